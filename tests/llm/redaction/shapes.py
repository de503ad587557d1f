"""Where secrets are written: code and configuration shapes, and the contexts such text reaches a model in.

A shape places one secret, under a name that says what it is (derived from the
format's variable, `SHIPPO_API_TOKEN`: `shippoApiToken`, `shippo_api_token`,
`shippo-api-token`, `shippo.api.token`) or, for the unnamed shapes, under none:
there only a distinctive format can be found. A shape that encodes the value
(base64 in a Kubernetes Secret, percent-encoding in a URL) says so, and what
must not survive is then the encoded text.

A context is how the text reaches the model: as source, inside pytest's
report of a failing test, in a traceback's listing, or in log lines.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote


@dataclass(frozen=True)
class Names:
    env: str

    @property
    def words(self) -> list[str]:
        return self.env.lower().split("_")

    @property
    def snake(self) -> str:
        return "_".join(self.words)

    @property
    def camel(self) -> str:
        first, *rest = self.words
        return first + "".join(word.capitalize() for word in rest)

    @property
    def pascal(self) -> str:
        return "".join(word.capitalize() for word in self.words)

    @property
    def kebab(self) -> str:
        return "-".join(self.words)

    @property
    def dotted(self) -> str:
        return ".".join(self.words)


def oneline(value: str) -> str:
    """A multi-line secret as a one-line configuration value holds it: newlines escaped."""
    return value.replace("\n", "\\n")


def b64(value: str) -> str:
    return base64.b64encode(value.encode()).decode()


def pct(value: str) -> str:
    return quote(value, safe="")


@dataclass(frozen=True)
class Shape:
    name: str
    named: bool
    render: Callable[[Names, str], str]
    encode: Callable[[str], str] | None = None
    """How the shape encodes the value, when it does."""
    tokens: bool = False
    """Only a token is written here (a header, a password field): not a URL, a connection string, a key file."""
    secret_name: bool = False
    """The value is recognisable only because its name says secret: formats whose usual name does not are left out."""


def _s(name: str, render: Callable[[Names, str], str], *, named: bool = True,
       encode: Callable[[str], str] | None = None, tokens: bool = False, secret_name: bool = False) -> Shape:  # fmt: skip
    return Shape(name, named, render, encode, tokens, secret_name)


def _yaml_block(value: str, indent: str) -> str:
    if "\n" not in value:
        return value
    return "|\n" + "\n".join(indent + "  " + line for line in value.split("\n"))


def _xml(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;")


SHAPES: tuple[Shape, ...] = (
    _s("python-assignment", lambda n, v: f'{n.snake} = "{oneline(v)}"\n'),
    _s("python-keyword-argument", lambda n, v: f'client = Client(region="eu-west-1", {n.snake}="{oneline(v)}")\n'),
    _s("python-os-environ", lambda n, v: f'os.environ["{n.env}"] = "{oneline(v)}"\n'),
    _s("javascript-const", lambda n, v: f"const {n.camel} = '{oneline(v)}';\n"),
    _s("javascript-object", lambda n, v: f"module.exports = {{\n  region: 'eu',\n  {n.camel}: \"{oneline(v)}\",\n}};\n"),
    _s("typescript-annotated", lambda n, v: f'export const {n.camel}: string = "{oneline(v)}";\n'),
    _s("ruby-hash", lambda n, v: f'config = {{ :{n.snake} => "{oneline(v)}", :retries => 3 }}\n'),
    _s("rust-const", lambda n, v: f'const {n.env}: &str = "{oneline(v)}";\n'),
    _s("csharp-const", lambda n, v: f'    private const string {n.pascal} = "{oneline(v)}";\n'),
    _s("go-var", lambda n, v: f'var {n.camel} string = "{oneline(v)}"\n'),
    _s("go-short-declaration", lambda n, v: f'\t{n.camel} := "{oneline(v)}"\n'),
    _s("java-set-property", lambda n, v: f'        System.setProperty("{n.env}", "{oneline(v)}");\n'),
    _s("kotlin-val", lambda n, v: f'val {n.camel}: String = "{oneline(v)}"\n'),
    _s("c-define", lambda n, v: f'#define {n.env} "{oneline(v)}"\n'),
    _s("php-array", lambda n, v: f'    "{n.camel}" => "{oneline(v)}",\n'),
    _s("php-append", lambda n, v: f'${n.camel} .= "{oneline(v)}";\n'),
    _s("php-append-unnamed", lambda n, v: f'$x .= "{oneline(v)}";\n', named=False),
    _s("powershell-env", lambda n, v: f'$env:{n.env} = "{oneline(v)}"\n'),
    _s("xml-element", lambda n, v: f"<config>\n  <{n.camel}>{_xml(v)}</{n.camel}>\n</config>\n"),
    _s("xml-add-key-value", lambda n, v: f'  <add key="{n.pascal}" value="{_xml(oneline(v))}" />\n'),
    _s("json-object", lambda n, v: json.dumps({"service": "billing", n.snake: v, "retries": 3}, indent=2) + "\n"),
    _s("json-env-string", lambda n, v: json.dumps({"env": [f"{n.env}={v}", "LOG_LEVEL=debug"]}) + "\n"),
    _s("yaml", lambda n, v: f"billing:\n  region: eu\n  {n.snake}: {_yaml_block(v, '  ')}\n"),
    _s("yaml-quoted", lambda n, v: f'      {n.env}: "{oneline(v)}"\n'),
    _s("docker-compose-environment", lambda n, v: f"    environment:\n      - {n.env}={oneline(v)}\n"),
    _s("toml", lambda n, v: f'[billing]\n{n.snake} = "{oneline(v)}"\n'),
    _s("ini", lambda n, v: f"[{n.words[0]}]\n{'_'.join(n.words[1:]) or n.snake} = {oneline(v)}\n"),
    _s("java-properties", lambda n, v: f"{n.dotted}={oneline(v)}\n"),
    _s("dotenv", lambda n, v: f"{n.env}={oneline(v)}\nLOG_LEVEL=debug\n"),
    _s("dotenv-quoted", lambda n, v: f'{n.env}="{oneline(v)}"\n'),
    _s("shell-export", lambda n, v: f"export {n.env}='{oneline(v)}'\n"),
    _s("dockerfile-env", lambda n, v: f"ENV {n.env}={oneline(v)}\n"),
    _s("dockerfile-env-space", lambda n, v: f"ENV {n.env} {oneline(v)}\n"),
    _s("makefile-simple", lambda n, v: f"{n.env} ::= {oneline(v)}\n"),
    _s("makefile-conditional", lambda n, v: f"{n.env} ?= {oneline(v)}\n"),
    _s("makefile-immediate", lambda n, v: f"{n.env} := {oneline(v)}\n"),
    _s("hcl", lambda n, v: f'resource "x" "y" {{\n  {n.snake} = "{oneline(v)}"\n}}\n'),
    _s("kubernetes-secret", lambda n, v: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: billing\ntype: Opaque\n"
       f"data:\n  {n.kebab}: {b64(v)}\n", encode=b64),
    _s("base64-named", lambda n, v: f"{n.env}_B64={b64(v)}\n", encode=b64, secret_name=True),
    _s("form-urlencoded", lambda n, v: f"grant_type=client_credentials&{n.snake}={pct(v)}&scope=read\n",
       encode=pct, tokens=True),
    _s("url-query", lambda n, v: f"GET https://api.example.com/v1/items?{n.snake}={pct(v)}&page=2 HTTP/1.1\n",
       encode=pct, tokens=True),
    _s("url-userinfo", lambda n, v: f"git clone https://deploy:{pct(v)}@git.example.com/team/app.git\n",
       named=False, encode=pct, tokens=True),
    _s("http-authorization-bearer", lambda n, v: f"Authorization: Bearer {oneline(v)}\n", named=False, tokens=True),
    _s("http-api-key-header", lambda n, v: f"X-Api-Key: {oneline(v)}\nAccept: application/json\n", tokens=True),
    _s("cli-flag", lambda n, v: f"$ deploy --region eu --{n.kebab} {oneline(v)} --verbose\n"),
    _s("cli-flag-equals", lambda n, v: f"deploy --{n.kebab}={oneline(v)}\n"),
    _s("curl-user", lambda n, v: f"curl -sS -u deploy:{oneline(v)} https://api.example.com/v1/ping\n", named=False, tokens=True),
    _s("netrc", lambda n, v: f"machine api.example.com login deploy password {oneline(v)}\n", named=False, tokens=True),
    _s("environ-repr", lambda n, v: f"environ({{'HOME': '/root', '{n.env}': {v!r}, 'LANG': 'C.UTF-8'}})\n"),
    _s("sql-password", lambda n, v: f"CREATE USER app WITH PASSWORD '{oneline(v)}';\n", named=False, tokens=True),
    _s("log-unnamed", lambda n, v: f"request failed with credentials {oneline(v)} (status 401)\n", named=False),
    _s("argument-unnamed", lambda n, v: f"client.login('{oneline(v)}')\n", named=False),
)  # fmt: skip


@dataclass(frozen=True)
class Context:
    name: str
    wrap: Callable[[str], str]


def _pytest(text: str) -> str:
    lines = text.rstrip("\n").split("\n")
    listing = [f">       {line}" if i == len(lines) - 1 else f"        {line}" for i, line in enumerate(lines)]
    return (
        "_______________________________ test_deploy ________________________________\n\n"
        "    def test_deploy() -> None:\n" + "\n".join(listing) + "\n"
        "E       AssertionError: deploy refused (status 401)\n\n"
        "tests/test_deploy.py:12: AssertionError\n"
        "----------------------------- Captured stdout call -----------------------------\n" + text
    )


def _traceback(text: str) -> str:
    body = "\n".join("    " + line for line in text.rstrip("\n").split("\n"))
    return (
        "Traceback (most recent call last):\n"
        '  File "/srv/app/settings.py", line 41, in load\n' + body + "\n"
        "RuntimeError: the configuration above was rejected\n"
    )


_STAMP = re.compile(r"^", re.MULTILINE)


def _log(text: str) -> str:
    return _STAMP.sub("2024-03-05 14:22:31,907 DEBUG [worker-3] ", text.rstrip("\n")) + "\n"


CONTEXTS: tuple[Context, ...] = (
    Context("source", lambda text: text),
    Context("test-output", _pytest),
    Context("traceback", _traceback),
    Context("log", _log),
)
