"""Layer 2: values whose *name* says they are secret, in every shape code and configuration write them.

`DB_PASSWORD=...`, `"api_key": "..."`, `--token ...`, `Authorization: Bearer ...`,
`var apiToken string = "..."`, `System.setProperty("API_TOKEN", "...")`,
`<apiToken>...</apiToken>`, `<add key="Password" value="..."/>`, `NAME ::= ...`,
`ENV NAME value`, `#define NAME "..."`, `.netrc`'s `password`, `curl -u user:password`,
and every value of a Kubernetes `Secret`'s `data:`. Only literal values are removed: an
expression (`password = getpass()`, `token=token`, `api_key: str`) is code the model
needs, not a secret. A value's encoding does not matter (base64, percent-encoding): the
name says what it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from healer.llm.redaction.formats import Span
from healer.llm.redaction.values import DIGIT, PLACEHOLDER_START, literal, mixed, reference

_SPACE = re.compile(r"\s")
_BRACKETS = re.compile(r"[()\[\]{}]")
_OPERATORS = re.compile(r"[*+=<>|^~`,]")

# The regex finds a secret word right before a separator; the full name is read backwards from it.
# `=>` comes before `=` so that PHP's and Ruby's arrows are not read as `=` followed by `>`.
_NAME_END = re.compile(
    r"(?P<word>pass(?:word|wd|phrase)?|pwd|pw|secret|token|key|authorization|auth|credentials?)"
    r"(?P<encoding>[_.-]?(?:b64|base64|encoded))?"
    r"(?P<close>\\?[\"'`]?\]?)"
    r"(?P<sep>[ \t]{0,8}(?:=>|::=|[:!?+.]?={1,3}|:(?![:/=])|,(?=[ \t]{0,8}[\"']))[ \t]{0,8}|[ \t]{1,8})"
)
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-$")
_SEGMENT = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# `API_TOKEN_B64`, `apiKeyEncoded`: the encoding named after the secret's name.
_ENCODING_SUFFIX = re.compile(r"(?i)[_.-]?(?:b64|base64|encoded|enc)\Z")
# `<qualifier>_key` names a secret; any other `_key` is a dict key, a cache key or a sort key.
_KEY_QUALIFIERS = frozenset((
    "api", "secret", "private", "access", "auth", "encryption", "encrypt", "signing", "sign", "master", "client",
    "app", "application", "account", "storage", "shared", "license", "subscription", "webhook", "hmac", "session",
    "crypto", "jwt", "service", "consumer", "admin", "deploy", "ssh", "gpg", "pgp", "s3", "aws", "openai",
    "anthropic", "stripe", "sdk", "server", "insert", "ingest", "write", "restricted", "management", "cosmos",
    "fernet", "age", "sops", "root", "cloud", "cosmosdb", "db", "live", "test", "prod", "production", "record",
))  # fmt: skip
_PASS_QUALIFIERS = frozenset((
    "db", "database", "smtp", "mail", "email", "user", "admin", "root", "ftp", "sftp", "sql", "mysql", "pg",
    "postgres", "redis", "ldap", "proxy", "http", "login", "account", "app", "api", "ssh", "vpn", "wifi", "sudo",
    "master", "rabbit", "mq", "amqp", "mongo", "es", "elastic", "basic",
))  # fmt: skip
# A type annotation before a default (`token: str | None = ...`, `token string = ...`, `TOKEN: &str = ...`);
# no two parts can match the same characters. A default follows on the line: `key: aGVsbG8=` is base64, not a type.
_ANNOTATION = re.compile(
    r"&?(?:'[a-z]{1,10}[ \t]+)?[A-Za-z_][A-Za-z0-9_.]{0,60}(?:\[[A-Za-z0-9_., |]{0,60}\])?"
    r"(?:[ \t]*\|[ \t]*[A-Za-z_][A-Za-z0-9_.]{0,60}(?:\[[A-Za-z0-9_., |]{0,60}\])?){0,3}[ \t]*=(?!=)[ \t]*(?=\S)"
)
_AUTH_SCHEME = re.compile(r"(?i)(?:bearer|basic|token|digest|apikey|api-key|sso-key|key|negotiate|ntlm)[ \t]+")
_QUOTE = re.compile(r"[bBrRuUfF@]{0,2}(?P<bs>\\?)(?P<q>[\"'`])")
_LONGEST = 256
"""Longest value read after a name: longer literals are left to the entropy layer, and every match stays cheap."""
_BARE = re.compile(rf"[^\s'\"`]{{1,{_LONGEST}}}")
# A query's value ends at the next parameter: it never holds `?`, `&`, `;` or `#`, so no two values overlap.
_QUERY_VALUE = re.compile(r"[^\s'\"`&#?;]{1,8000}")
_CREDENTIAL = re.compile(r"[A-Za-z0-9._~+/:-]{1,4000}=*")  # RFC 7235's token68, and `user:password` pairs
_ENV_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_AWS_SECRET = re.compile(r"[A-Za-z0-9/+]{40}")
_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,5}|[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+)")
# A regular expression or a call is code: `"[a-zA-Z_][a-zA-Z0-9_]*"`, `(?:%25|%)`, `get_token()`.
_CODE = re.compile(r"\(\?|\[[^\]\n]{0,80}\][*+?{]|\\[dwsbDWSB]|\A[A-Za-z_][A-Za-z0-9_.]*\(.*\)\Z")
# An enum value or a field name (`"username_password"`), not a password.
_SNAKE = re.compile(r"[a-z]+(?:_[a-z]+)+")
# `<your-key>`, `</s>`, `[CLS]`: a placeholder or a tokenizer's special token.
_WRAPPED = re.compile(r"<[^\n]*>|\[[^\n]*\]")
_WORDS = re.compile(r"_*[A-Za-z]+(?:[ ._-]+[A-Za-z]+)*[._-]*")
_PROSE = re.compile(r"[ \t]+[A-Za-z]")
_ESCAPED_BREAK = re.compile(r"\\[nrt]")
_LABEL = re.compile(r"(?i)pass(?:word|wd|phrase)|secret|token|credential|key")
_SLUG = re.compile(r"[a-z0-9]{1,12}(?:[._-][a-z0-9]{1,12})+")
_CONSTANT = re.compile(r"[A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)*")
_PADDED = re.compile(r"[A-Za-z0-9+/_-]{8,}={1,2}")
# Bare words after a secret's name that are a constant or a type, not the secret.
_NOT_VALUES = frozenset((
    "none", "null", "nil", "true", "false", "yes", "no", "on", "off", "undefined", "required", "optional", "empty",
    "str", "string", "bytes", "int", "bool", "any", "object", "dict", "list", "env", "redacted", "hidden", "masked",
    "secret", "password", "token", "float", "complex", "tuple", "set", "frozenset", "bytearray", "callable", "type",
    "final", "read", "write",
))  # fmt: skip
# What may come before a name separated from its value by blanks alone: a declaration's keyword.
_BLANK_LEADS = ("ENV", "ARG", "#define", "set", "SET", "setenv")


def named_spans(text: str, lowered: str, rank: int) -> Iterator[Span]:
    yield from _named_values(text, lowered, rank)
    yield from _elements(text, rank)
    yield from _key_values(text, lowered, rank)
    yield from _user_passwords(text, rank)
    yield from _secret_manifests(text, rank)


def _named_values(text: str, lowered: str, rank: int) -> Iterator[Span]:
    for match in _NAME_END.finditer(lowered):
        start = match.start()
        while start > 0 and match.start() - start < 100 and text[start - 1] in _NAME_CHARS:
            start -= 1
        if start > 0 and text[start - 1] == "\\" and text[start] in "ntr":
            start += 1  # `"\nAPI_KEY=..."`: the escape's letter is not part of the name
        if start >= 10 and text.startswith(PLACEHOLDER_START, start - 10):
            continue  # a placeholder's kind (`openai-key]:`) is not a name
        name = text[start : match.end("encoding") if match.group("encoding") else match.end("word")]
        flag = name.startswith("-")
        bare_name = name.lstrip("-$")
        # `self.api_key`: the attribute names it; `dd.api.key` (a .properties key): the dotted name as a whole.
        family = family_of(bare_name.rsplit(".", 1)[-1], flag) or family_of(bare_name.replace(".", "_"), flag)
        if family is None:
            continue
        sep, close = match.group("sep"), match.group("close")
        if sep.strip() == "," and not close:
            continue  # `f(token, "x")`: a call's arguments, not a name and its value
        context = _context(text, start, name, flag, sep, close)
        if context is None:
            continue
        found = _value(text, match.end(), family, sep, context)
        if found is not None:
            value_start, value_end = found
            kind = "env-assignment"
            if family == "auth":
                kind = "authorization"
            elif "aws" in name.lower() and _AWS_SECRET.fullmatch(text, value_start, value_end):
                kind = "aws-secret-access-key"
            yield value_start, value_end, rank, kind


def family_of(name: str, flag: bool = False) -> str | None:
    """The kind of secret a name announces, or None: `DB_PASSWORD`, `apiKey`, `X-Api-Key` do; `CACHE_KEY` does not."""
    segments = _SEGMENT.findall(_ENCODING_SUFFIX.sub("", name) or name)
    if not segments:
        return None
    tail = segments[-1].lower()
    several = len(segments) > 1
    shouted = name.isupper()
    if tail.endswith(("password", "passwd", "passphrase")):
        return "password"
    if tail in ("pass", "pwd", "pw"):  # `DB_PASS`, `smtp_pass`, `--pw`; not `on_pass`, `first_pass`, `old_pwd`
        qualified = several and segments[-2].lower() in _PASS_QUALIFIERS
        return "password" if qualified or shouted or flag else None
    if tail.endswith(("secret", "token", "apikey", "accesskey", "secretkey", "privatekey", "authkey")):
        return "token"
    if tail == "key" and several and segments[-2].lower() in _KEY_QUALIFIERS:
        return "token"
    if tail in ("credential", "credentials") and (several or shouted):
        return "token"
    if tail == "authorization" or (tail == "auth" and (several or shouted)):
        return "auth"
    return None


def _context(text: str, start: int, name: str, flag: bool, sep: str, close: str) -> str | None:
    """How to read a bare word after the name: as the value ("env", "flag", "query", "yaml") or as code ("code");
    None when the name is not followed by a value at all.

    `DB_PASSWORD=...`, `--password=...`, `Password=...;` and `?token=...` are values;
    `password: ...` at the start of a line is YAML (or INI); `password=password,`,
    `token = make()`, `PASS = ignore` and `password: str` are code.
    """
    before = text[start - 1] if start > 0 else "\n"
    lead = _lead(text, start)
    blank = not sep.strip()
    if flag:
        # `--token=...` is a value; `--token ...` may be one, or prose (`pass --token to skip the prompt`).
        return "flag" if sep.strip() else "code"
    if blank:
        return _blank_context(text, start, name, lead)
    if before in "?&;":
        return "query"  # a query string, or a connection string's `;Password=...;`
    if sep == "=" and name.isupper():
        return "env"  # `API_TOKEN=...` wherever it is: a line, a JSON string, a compose file's list
    if lead == "" and sep == "=" and "." in name and not close:
        return "env"  # `api.token=...`: a .properties line
    if lead == "" and name.isupper() and sep.strip() in ("::=", ":=", "?=", "+=", "!="):
        return "env"  # a Makefile's assignment
    if "." in name or close.endswith("]"):
        return "code"  # an attribute or a subscript is assigned by code
    if sep == "=" and name.isupper() and lead in ("", "export", "set", "ENV"):
        return "env"
    if lead in ("", "-") and (sep.strip() == ":" or sep == "="):
        return "yaml"
    return "code"


_MARKER = re.compile(r"(?:>|E)[ \t]+")


def _lead(text: str, start: int) -> str:
    """What comes before the name on its line; pytest's marker of the failing line (`>`, `E`) is not part of it."""
    lead = text[_line_start(text, start) : start].strip()
    marker = _MARKER.match(lead + " ")
    return lead[marker.end() :].strip() if marker is not None else lead


def _blank_context(text: str, start: int, name: str, lead: str) -> str | None:
    """A name and its value separated by blanks only: a declaration (`ENV`, `#define`, a Go `var` with a type),
    `.netrc`'s `password`, SQL's `PASSWORD '...'`; anything else is prose."""
    if lead.rsplit(None, 1)[-1:] and lead.rsplit(None, 1)[-1] in _BLANK_LEADS:
        return "env"
    if name in ("password", "passwd"):
        window = text[_line_start(text, _line_start(text, start) - 1) : start]
        if "machine " in window or "login " in window or "default" in window:
            return "env"
    if name in ("PASSWORD", "Password") or lead.endswith(("var", "const")) or lead.split()[-1:] in (["var"], ["val"]):
        return "declaration"
    return None


def _value(text: str, position: int, family: str, sep: str, context: str) -> tuple[int, int] | None:
    """Where the literal value after `name<sep>` is in `text`, or None when what follows is code or nothing."""
    if context == "declaration":
        # `var apiToken string = "..."`: after the type; `PASSWORD '...'`: a quoted literal only.
        annotation = _ANNOTATION.match(text, position)
        if annotation is not None:
            position = annotation.end()
        elif _QUOTE.match(text, position) is None:
            return None
        context = "code"
    elif sep.strip() == ":" and (annotation := _ANNOTATION.match(text, position)) is not None:
        position = annotation.end()  # `password: str = "..."`: the value is after the annotation
        context = "code"
    quote = _QUOTE.match(text, position)
    if quote is not None:
        start = quote.end()
        closing = quote.group("bs") + quote.group("q")
        end = text.find(closing, start, _line_end(text, start, _LONGEST))
        if end == -1:
            return None
        value = text[start:end]
        if family == "auth" and (scheme := _AUTH_SCHEME.match(value)) is not None:
            start += scheme.end()
            value = value[scheme.end() :]
        prefix = quote.group()[: -len(closing)].lower()
        if "r" in prefix or ("f" in prefix and "{" in value):
            return None  # a raw string is a pattern or a path; an f-string is computed
        if sep.strip() == "," and (_WORDS.fullmatch(value) or _CONSTANT.fullmatch(value)):
            return None  # `("password", "passwd")`, `("age-key", "AGE-SECRET-KEY-1")`: names listed, not a value
        return (start, end) if quoted_secret(value, family) else None
    if sep.strip() == ",":
        return None  # `("token", name)`: the value is a variable
    scheme = _AUTH_SCHEME.match(text, position) if family == "auth" else None
    if scheme is not None:  # after `Basic ` or `Bearer ` comes the credential itself, whatever surrounds it
        credential = _CREDENTIAL.match(text, scheme.end())
        if credential is None or not quoted_secret(credential.group(), family):
            return None
        return credential.span()
    bare = (_QUERY_VALUE if context == "query" else _BARE).match(text, position)
    if bare is None:
        return None
    start = bare.start()
    value = _ESCAPED_BREAK.split(bare.group(), maxsplit=1)[0]  # `"SECRET = None\n..."`: a line of a one-line string
    if sep.strip() in ("==", "!=", "==="):
        context = "code"  # a comparison: only a quoted literal can be a secret
    unpadded = value.rstrip(",;") if _PADDED.fullmatch(value.rstrip(",;")) is None else value.rstrip(",;=")
    if context in ("yaml", "code") and _OPERATORS.search(unpadded) is not None:
        return None  # an expression, not a literal (checked early: dense names make this path hot)
    trimmed = value.rstrip(",;") if context in ("env", "flag", "query") else value.rstrip(",;:.")
    end = start + len(trimmed)
    rest = text[end : _line_end(text, end, 200)]
    if context == "env" and (value.endswith(",") or (value == trimmed and rest.strip() and rest[:1] != "\\")):
        context = "code"  # `API_KEY=api_key,` is a keyword argument; `TOKEN=a if b else c` an expression
    if context in ("yaml", "code") and _PROSE.match(rest):
        return None  # `api_key: The key to use.`, a docstring's argument list
    if reference(value):
        return None  # checked before trimming: `sk-...` must not become `sk-`
    return (start, end) if _bare_secret(trimmed, context, punctuated=value.endswith(",")) else None


def _line_start(text: str, position: int) -> int:
    """Where the line holding `position` starts, looking back at most 200 characters (minified text has no lines)."""
    position = max(0, position)
    limit = max(0, position - 200)
    found = text.rfind("\n", limit, position)
    return found + 1 if found != -1 else limit


def _line_end(text: str, position: int, limit: int) -> int:
    """Where the line holding `position` ends, looking ahead at most `limit` characters."""
    end = text.find("\n", position, position + limit)
    return end if end != -1 else min(len(text), position + limit)


def quoted_secret(value: str, family: str) -> bool:
    if len(value) < (3 if family == "password" else 8) or not literal(value):
        return False
    if _ENV_NAME.fullmatch(value) or reference(value) or _WRAPPED.fullmatch(value) or _CODE.search(value):
        return False
    if value[0] in ",;)]}+{$#":
        return False  # the closing quote of a string that holds the name: `print("password: ", x)`
    if _SPACE.search(value) is not None:
        # Passphrases may hold spaces; a token never does.
        return family == "password" and not value[0].isspace() and not value[-1].isspace()
    if (_WORDS.fullmatch(value) or _SLUG.fullmatch(value)) and _LABEL.search(value) is not None:
        return False  # `"profile-username-password"`, `"ManagedIdentityCredential"`: a label, not the secret
    if family == "password":
        return not _SNAKE.fullmatch(value)
    # `"x-api-key"`, `"your-token"`, `"access_token"`: a name or a placeholder, not a key.
    return not (_WORDS.fullmatch(value) and (len(value) < 24 or not value.isalpha()))


def _bare_secret(value: str, context: str, *, punctuated: bool) -> bool:
    if len(value) < 3 or not literal(value) or value[0] in "$%{<([@!&*|>#/\\":
        return False
    if value.lower() in _NOT_VALUES or _NUMBER.fullmatch(value) or _ENV_NAME.fullmatch(value):
        return False
    if reference(value) or _BRACKETS.search(value) is not None or _DOTTED.fullmatch(value):
        return False  # a call, a subscript or an attribute: code
    if context in ("env", "flag", "query"):
        return True
    if value.isdigit():
        return False  # a number in code or YAML: a version, a port, a date (`DEFAULT_TOKEN: Final = 20210605`)
    if _IDENT.fullmatch(value):
        if context == "yaml" and "_" not in value and not value[0].isupper() and not punctuated:
            return True  # `password: hunter`; `password: Secret` is a type annotation
        # In code a plain word is a variable unless it looks made up: `hunter2`, not `pw` or `s3_client`.
        return not punctuated and "_" not in value and mixed(value)
    if _OPERATORS.search(value.rstrip("=")) is not None:
        return False  # an expression
    return DIGIT.search(value) is not None or not _WORDS.fullmatch(value)


# `<apiToken>...</apiToken>`: an element named for a secret; the value ends at the next tag.
_ELEMENT = re.compile(r"<(?P<name>[A-Za-z_][A-Za-z0-9_.:-]{0,80})>(?P<s>[^<\n]{1,4000})</(?P=name)>")


def _elements(text: str, rank: int) -> Iterator[Span]:
    if "</" not in text:
        return
    for match in _ELEMENT.finditer(text):
        family = family_of(match.group("name").rsplit(":", 1)[-1].rsplit(".", 1)[-1])
        value = match.group("s")
        if family is not None and quoted_secret(value.strip(), family):
            yield match.start("s"), match.end("s"), rank, "xml-element"


# `<add key="Password" value="..."/>`, `<property name="api.token" value="..."/>`.
_KEY_VALUE = re.compile(r"(?:key|name)=(?P<q>[\"'])(?P<name>[^\"'\n]{1,80})(?P=q)[ \t]{1,8}value=(?P<v>[\"'])")


def _key_values(text: str, lowered: str, rank: int) -> Iterator[Span]:
    if "value=" not in lowered:
        return
    for match in _KEY_VALUE.finditer(lowered):
        name = text[match.start("name") : match.end("name")].rsplit(".", 1)[-1]
        family = family_of(name)
        start = match.end()
        end = text.find(match.group("v"), start, _line_end(text, start, _LONGEST))
        if family is not None and end != -1 and quoted_secret(text[start:end], family):
            yield start, end, rank, "env-assignment"


# `curl -u user:password`, `--user user:password`; a numeric pair (`docker run -u 1000:1000`) is ids.
_USER_PASSWORD = re.compile(
    r"(?<![A-Za-z0-9_-])(?:-u|--user|--proxy-user)[ \t=]{1,4}[^\s:'\"`]{1,100}:(?P<s>[^\s'\"`]{1,256})"
)


def _user_passwords(text: str, rank: int) -> Iterator[Span]:
    for match in _USER_PASSWORD.finditer(text):
        value = match.group("s").rstrip(",;.)")
        if value.lower() in _NOT_VALUES or _WRAPPED.fullmatch(value):
            continue  # `curl -u user:password` in documentation
        if literal(value) and not value.isdigit() and not reference(value):
            yield match.start("s"), match.start("s") + len(value), rank, "password"


# A Kubernetes Secret: every value under `data:` or `stringData:` is secret, whatever its key is called.
_SECRET_KIND = re.compile(r"^[ \t>]*kind:[ \t]*Secret[ \t]*$", re.MULTILINE)
_DATA = re.compile(r"^(?P<indent>[ \t]*)(?:data|stringData):[ \t]*$", re.MULTILINE)
_ENTRY = re.compile(r"(?P<indent>>?[ \t]+)[A-Za-z0-9_.-]{1,253}:[ \t]+(?P<s>[^\s#][^\n]{0,8000})")


def _secret_manifests(text: str, rank: int) -> Iterator[Span]:
    if "Secret" not in text or _SECRET_KIND.search(text) is None:
        return
    for block in _DATA.finditer(text):
        depth = len(block.group("indent"))
        position = block.end() + 1
        while (entry := _ENTRY.match(text, position)) is not None and len(entry.group("indent")) > depth:
            value = entry.group("s").rstrip()
            if literal(value.strip("\"'")):
                yield entry.start("s"), entry.start("s") + len(value), rank, "kubernetes-secret"
            position = entry.end() + 1
