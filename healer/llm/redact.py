"""Secret redaction: every secret is removed from text before healer sends it to a model.

Three layers, each catching what the one before cannot see:

1. Known formats, recognised by their prefix and shape (`_FORMATS`): provider API keys
   (OpenAI, Anthropic, AWS, Google, GitHub, GitLab, Slack, Stripe and about thirty more),
   JWTs, PEM private key blocks (with real or `\\n`-escaped newlines; a block with no END is
   removed to the end of the text rather than leaked), and passwords inside URLs.
2. Values whose *name* says they are secret: `.env` lines, code assignments, dict and JSON
   keys, YAML, command-line flags and HTTP headers (`DB_PASSWORD=...`, `"api_key": "..."`,
   `--token=...`, `Authorization: Bearer ...`). Only literal values are removed: an
   expression (`password = getpass()`, `token=token`, `api_key: str`) is code the model
   needs, not a secret.
3. Long random-looking runs (Shannon entropy over 20+ characters of the base64 alphabet,
   plus the shape of the run): a secret in a format healer does not know, pasted where no
   name announces it.

Deliberately kept, so the model still sees the code and the logs: hexadecimal strings (git
SHAs, digests, UUIDs, addresses: a 40-hex git SHA is not worth hiding, and hiding every
digest would blind the model to lock files and tracebacks), ordinary identifiers however
long, file paths, dotted names, URLs without credentials, model names (`Qwen3-30B-A3B`).
The cost of that choice: a secret that is *only* hexadecimal (a Twilio auth token, an
OpenRouter key's body) is found by its prefix or its name, never by the third layer.

Each secret becomes `[REDACTED:kind]`, so the model sees that something was there. The
output is a pure function of the input (the prompt's hash is a cache key), text without
secrets comes back unchanged, and redacting twice changes nothing more.

Speed: every pattern is anchored on a literal or a narrow character class and uses bounded
or unambiguous quantifiers (no nested repetition that can backtrack), so time grows
linearly with the input, adversarial inputs included; see bench/redact.py.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from healer.globs import matcher

DEFAULT_DENY: tuple[str, ...] = (
    ".env",
    ".env.*",
    "*.env",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.kdbx",
    "*.tfstate",
    "*.tfstate.*",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    ".netrc",
    "_netrc",
    ".pgpass",
    ".pypirc",
    ".npmrc",
    ".git-credentials",
    ".htpasswd",
    "**/.aws/credentials",
    "**/.docker/config.json",
    "**/.streamlit/secrets.toml",
)
"""Files whose whole content is secret or close to it: never shown to a model, never edited by one.

`.env.*` also hides templates such as `.env.example`: they hold no secret, but a real value
pasted into one is a common mistake, and the model rarely needs them.
"""

PLACEHOLDER = "[REDACTED:{}]"


@dataclass(frozen=True)
class Redacted:
    """`text` with each secret replaced by `[REDACTED:kind]`; `count` replacements; the distinct kinds, sorted."""

    text: str
    count: int
    kinds: tuple[str, ...]


def denied(path: str, globs: Sequence[str]) -> bool:
    """Whether `path` (repository-relative) matches one of `globs`.

    Globs follow .gitignore, as everywhere in healer: a glob without a slash matches the
    file's name at any depth (`*.pem`, `.env`), one with a slash is anchored at the root.
    """
    if not globs:
        return False
    normal = path.replace("\\", "/")
    while normal.startswith("./"):
        normal = normal[2:]
    return matcher(tuple(globs))(normal.lstrip("/"))


def redact(text: str) -> Redacted:
    """`text` with every secret found replaced by a placeholder naming its kind."""
    count, kinds = 0, set[str]()
    # A replacement can change what its neighbours look like (a token glued to a key now ends at a
    # placeholder, a name's value now follows one), so passes repeat until nothing more is found: then
    # redacting the output again changes nothing. Text without secrets takes one pass.
    for _ in range(_PASSES):
        spans = _merge(_candidates(text), _placeholders(text))
        if not spans:
            break
        count += len(spans)
        kinds.update(span[3] for span in spans)
        text = _replace(text, spans)
    return Redacted(text, count, tuple(sorted(kinds)))


_PASSES = 8
"""In practice one pass finds everything and a second confirms it; more only for secrets glued together."""


def _replace(text: str, spans: list[Span]) -> str:
    out: list[str] = []
    last = 0
    for start, end, _rank, kind in spans:
        out.append(text[last:start])
        out.append(PLACEHOLDER.format(kind))
        last = end
    out.append(text[last:])
    return "".join(out)


# A span is (start, end, rank, kind); a lower rank is a more specific finding and names the merged span.
Span = tuple[int, int, int, str]

_REDACTED = re.compile(r"\[REDACTED:[a-z0-9-]{1,40}\]")


# Character tests as regexes: they run in C, where a generator over a long value would not.
_DIGIT = re.compile(r"[0-9]")
_LETTER = re.compile(r"[A-Za-z]")
_UPPER = re.compile(r"[A-Z]")
_LOWER = re.compile(r"[a-z]")
_SPACE = re.compile(r"\s")
_TEMPLATE_HINT = re.compile(r"[${%<]")
_BRACKETS = re.compile(r"[()\[\]{}]")
_OPERATORS = re.compile(r"[*+=<>|^~`,]")


def _mixed(value: str) -> bool:
    """Has a digit and a letter: real keys do, long hyphenated words (`sk-learn-...`) do not."""
    return _DIGIT.search(value) is not None and _LETTER.search(value) is not None


def _cased(value: str) -> bool:
    return _mixed(value) and _UPPER.search(value) is not None and _LOWER.search(value) is not None


@dataclass(frozen=True)
class _Format:
    kind: str
    pattern: re.Pattern[str]
    check: Callable[[str], bool] | None = None
    """A further test of the secret's text, for shapes a regex alone would over-match."""
    left: str = ""
    """Characters that must not come right before the match (it would be the tail of a longer word)."""
    before: re.Pattern[str] | None = None
    """What must come right before the match (searched backwards, anchored by `\\Z`); part of the secret unless `s`."""


def _format(
    kind: str,
    pattern: str,
    check: Callable[[str], bool] | None = None,
    *,
    left: str = "",
    before: str | None = None,
) -> _Format:
    return _Format(kind, re.compile(pattern), check, left, re.compile(before) if before else None)


# Patterns start with a literal where they can, so the regex engine skips ahead with a fast search; the
# boundary before the match is then checked in Python (a leading lookbehind would defeat that search).
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_WORDISH = _ALNUM + "_"
_TOKENISH = _ALNUM + "_-"

# Layer 1. The secret is the named group `s` when there is one (the rest is kept as context), else the whole match.
_FORMATS: tuple[_Format, ...] = (
    _format("anthropic-key", r"sk-ant-[a-z]{2,12}[0-9]{2}-[A-Za-z0-9_-]{20,1000}"),
    _format("openrouter-key", r"sk-or-(?:v[0-9]-)?[A-Za-z0-9]{32,1000}"),
    _format(
        "openai-key",
        r"sk-(?!ant-|or-)(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,1000}|[A-Za-z0-9_-]{32,1000})",
        _mixed,
        left=_TOKENISH,
    ),
    _format(
        "aws-access-key-id",
        r"A(?:3T[A-Z0-9]|KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA|BIA|CCA|PKA)[A-Z0-9]{16}(?![A-Za-z0-9])",
        left=_ALNUM,
    ),
    # Session tokens are base64 of a protobuf that starts with the same bytes ("er/aws", "origin").
    _format("aws-session-token", r"(?:FwoGZXIvYXdz|FQoGZXIvYXdz|IQoJb3JpZ2lu|AQoDYXdz)[A-Za-z0-9/+=]{40,8000}"),
    _format("google-api-key", r"AIza[0-9A-Za-z_-]{35}"),
    _format("google-oauth-token", r"ya29\.[0-9A-Za-z_-]{20,4000}"),
    _format("google-oauth-token", r"1//0[0-9A-Za-z_-]{30,1000}", left=_ALNUM + "/"),
    _format("google-client-secret", r"GOCSPX-[0-9A-Za-z_-]{20,100}"),
    _format("github-token", r"gh[pousr]_[A-Za-z0-9]{36,255}"),
    _format("github-token", r"github_pat_[A-Za-z0-9_]{40,255}"),
    _format(
        "gitlab-token",
        r"gl(?:pat|dt|rt|ptt|cbt|soat|oas|ft|imt|agent|wt|ffct)-[A-Za-z0-9_-]{20,300}(?:\.[A-Za-z0-9_-]{2,100}){0,3}",
    ),
    _format("gitlab-token", r"GR1348941[A-Za-z0-9_-]{20,300}"),
    _format("slack-token", r"xox[abposre]-[A-Za-z0-9-]{10,500}", _mixed),
    _format("slack-token", r"xapp-[0-9]-[A-Za-z0-9-]{10,500}"),
    _format("slack-webhook", r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<s>[A-Za-z0-9_/+-]{20,500})"),
    _format("discord-webhook", r"discord(?:app)?\.com/api/webhooks/(?P<s>[0-9]{5,30}/[A-Za-z0-9_-]{20,200})"),
    _format("stripe-key", r"[spr]k_(?:live|test)_[A-Za-z0-9]{10,500}"),
    _format("stripe-key", r"whsec_[A-Za-z0-9+/=]{20,500}"),
    _format("huggingface-token", r"hf_[A-Za-z0-9]{30,100}", left=_WORDISH),
    _format("npm-token", r"npm_[A-Za-z0-9]{36,100}", left=_WORDISH),
    _format("pypi-token", r"pypi-AgE[A-Za-z0-9_-]{50,2000}"),
    _format("sendgrid-key", r"SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,64}"),
    _format("twilio-key", r"SK[0-9a-fA-F]{32}(?![A-Za-z0-9])", left=_ALNUM),
    _format("twilio-key", r"AC[0-9a-f]{32}(?::[0-9a-f]{32})?(?![A-Za-z0-9])", left=_ALNUM),
    _format("mailgun-key", r"key-[0-9a-f]{32}(?![A-Za-z0-9])", left=_TOKENISH),
    _format("digitalocean-token", r"do[por]_v1_[a-f0-9]{64}"),
    _format("databricks-token", r"dapi[a-f0-9]{32}(?:-[0-9]{1,2})?(?![A-Za-z0-9])", left=_WORDISH),
    _format("shopify-token", r"shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}"),
    _format("groq-key", r"gsk_[A-Za-z0-9]{40,100}"),
    _format("replicate-token", r"r8_[A-Za-z0-9]{30,100}", left=_WORDISH),
    _format("xai-key", r"xai-[A-Za-z0-9]{40,200}", left=_TOKENISH),
    _format("perplexity-key", r"pplx-[A-Za-z0-9]{40,100}"),
    _format("telegram-bot-token", r":AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])", before=r"(?<![0-9])[0-9]{8,10}\Z"),
    _format(
        "discord-bot-token",
        r"[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,40}(?![A-Za-z0-9_-])",
        _cased,
        left=_TOKENISH,
    ),
    _format("azure-storage-key", r"AccountKey=(?P<s>[A-Za-z0-9+/]{20,200}={0,2})"),
    _format("azure-storage-key", r"SharedAccessKey=(?P<s>[A-Za-z0-9+/]{20,200}={0,2})"),
    _format("azure-storage-key", r"sig=(?P<s>[A-Za-z0-9%+/=]{20,300})", before=r"[?&]\Z"),
    _format("jwt", r"eyJ[A-Za-z0-9_-]{10,8000}\.[A-Za-z0-9_-]{10,40000}\.[A-Za-z0-9_-]{0,8000}", left=_TOKENISH),
)

_PEM_BEGIN = re.compile(r"-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----")

# The user part stops at the first colon and the password at `@`: no two quantifiers compete for a character.
_URL_PASSWORD = re.compile(r"://[^\s:/@'\"<>]{0,200}:(?P<s>[^\s/@'\"<>]{1,300})@")
_BEARER = re.compile(r"bearer[ \t]{1,8}(?P<s>[A-Za-z0-9._~+/-]{8,8000}=*)")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# Layer 2. The regex finds a secret word right before a separator; the full name is read backwards from it.
_NAME_END = re.compile(
    r"(?P<word>pass(?:word|wd|phrase)?|pwd|pw|secret|token|key|authorization|auth)"
    r"(?P<close>\\?[\"'`]?\]?)"
    r"(?P<sep>[ \t]{0,8}(?:[:!]?={1,3}|=>|:(?![:/=]))[ \t]{0,8}|[ \t]{1,8})"
)
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-$")
_SEGMENT = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
# `<qualifier>_key` names a secret; any other `_key` is a dict key, a cache key or a sort key.
_KEY_QUALIFIERS = frozenset((
    "api", "secret", "private", "access", "auth", "encryption", "encrypt", "signing", "sign", "master", "client",
    "app", "application", "account", "storage", "shared", "license", "subscription", "webhook", "hmac", "session",
    "crypto", "jwt", "service", "consumer", "admin", "deploy", "ssh", "gpg", "pgp", "s3", "aws", "openai",
    "anthropic", "stripe",
))  # fmt: skip
_PASS_QUALIFIERS = frozenset((
    "db", "database", "smtp", "mail", "email", "user", "admin", "root", "ftp", "sftp", "sql", "mysql", "pg",
    "postgres", "redis", "ldap", "proxy", "http", "login", "account", "app", "api", "ssh", "vpn", "wifi", "sudo",
    "master", "rabbit", "mq", "amqp", "mongo", "es", "elastic", "basic",
))  # fmt: skip
# A type annotation before a default (`token: str | None = ...`); no two parts can match the same characters.
_ANNOTATION = re.compile(
    r"[A-Za-z_][A-Za-z0-9_.]{0,60}(?:\[[A-Za-z0-9_., |]{0,60}\])?"
    r"(?:[ \t]*\|[ \t]*[A-Za-z_][A-Za-z0-9_.]{0,60}(?:\[[A-Za-z0-9_., |]{0,60}\])?){0,3}[ \t]*=(?!=)[ \t]*"
)
_AUTH_SCHEME = re.compile(r"(?i)(?:bearer|basic|token|digest|apikey|api-key|sso-key|key|negotiate|ntlm)[ \t]+")
_QUOTE = re.compile(r"[bBrRuUfF]{0,2}(?P<bs>\\?)(?P<q>[\"'`])")
_LONGEST = 256
"""Longest value read after a name: longer literals are left to the entropy layer, and every match stays cheap."""
_BARE = re.compile(rf"[^\s'\"`]{{1,{_LONGEST}}}")
_CREDENTIAL = re.compile(r"[A-Za-z0-9._~+/:-]{1,4000}=*")  # RFC 7235's token68, and `user:password` pairs
_TEMPLATE = re.compile(
    r"\$\{|\{\{|\{[^{}\n]{0,200}\}|%\([A-Za-z_]+\)|%[sdr](?![A-Za-z0-9])|\A\$[A-Za-z_][A-Za-z0-9_]*\Z"
    r"|<[A-Za-z_][A-Za-z0-9_ .-]{0,40}>"
)
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
# Bare words after a secret's name that are a constant or a type, not the secret.
_NOT_VALUES = frozenset((
    "none", "null", "nil", "true", "false", "yes", "no", "on", "off", "undefined", "required", "optional", "empty",
    "str", "string", "bytes", "int", "bool", "any", "object", "dict", "list", "env", "redacted", "hidden", "masked",
    "secret", "password", "token", "float", "complex", "tuple", "set", "frozenset", "bytearray", "callable", "type",
    "final",
))  # fmt: skip

# Layer 3. Trailing `=` is base64 padding; elsewhere `=` separates a name from its value and ends the run.
_RUN = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{20,}={0,2}")
_PIECE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_WORD = re.compile(r"[A-Z]?[a-z]{2,}|[A-Z]{3,}(?![a-z])")
_SEPARATORS = re.compile(r"[/_+-]")
_HEX = re.compile(r"[0-9a-fA-F]+")


def _candidates(text: str) -> Iterator[Span]:
    rank = 0
    for rank, spec in enumerate(_FORMATS):
        group = "s" if "s" in spec.pattern.groupindex else 0
        for match in spec.pattern.finditer(text):
            begin, (start, end) = match.start(), match.span(group)
            if spec.left and begin > 0 and text[begin - 1] in spec.left:
                continue
            if spec.check is not None and not spec.check(match.group(group)):
                continue
            if spec.before is not None:
                head = spec.before.search(text, max(0, begin - 100), begin)
                if head is None:
                    continue
                start = head.start() if group == 0 else start
            yield start, end, rank, spec.kind
    yield from _pem_blocks(text, rank + 1)
    for match in _URL_PASSWORD.finditer(text):
        if _literal(match.group("s")):
            yield match.start("s"), match.end("s"), rank + 2, "url-password"
    # The secret words are matched in lower case: a case-insensitive regex cannot skip ahead and is ten times slower.
    lowered = text.lower()
    if len(lowered) != len(text):  # a few characters lower to two (`İ`); ASCII is all that matters here
        lowered = text.translate(_ASCII_LOWER)
    for match in _BEARER.finditer(lowered):
        token = text[match.start("s") : match.end("s")]
        if match.start() > 0 and lowered[match.start() - 1] in _WORDISH:
            continue
        if _literal(token) and not _reference(token) and _mixed(token):
            yield match.start("s"), match.end("s"), rank + 3, "bearer-token"
    yield from _named_values(text, lowered, rank + 4)
    for match in _RUN.finditer(text):
        if _looks_random(match.group()):
            yield match.start(), match.end(), rank + 5, "high-entropy"


def _pem_blocks(text: str, rank: int) -> Iterator[Span]:
    position = 0
    while (begin := _PEM_BEGIN.search(text, position)) is not None:
        end = _PEM_END.search(text, begin.end())
        # A block cut short (a truncated log, a half-pasted key) is removed to the end rather than leaked.
        position = end.end() if end is not None else len(text)
        yield begin.start(), position, rank, "private-key"


def _literal(value: str) -> bool:
    """Not a placeholder, a template or a reference to another variable: `${DB_PASSWORD}`, `{token}`, `****`."""
    return (
        bool(value)
        and not value.startswith("[REDACTED:")
        and not (_TEMPLATE_HINT.search(value) is not None and _TEMPLATE.search(value) is not None)
        and value.count(value[0]) != len(value)
    )


def _reference(value: str) -> bool:
    """Points at the secret rather than holds it, or stands in for it in documentation: `os.environ/KEY`, `sk-...`."""
    return (
        "***" in value
        or "..." in value
        or "\u2026" in value
        or "://" in value
        or value.startswith(("os.environ/", "/", "./", "~/"))
    )


def _named_values(text: str, lowered: str, rank: int) -> Iterator[Span]:
    for match in _NAME_END.finditer(lowered):
        start = match.start()
        while start > 0 and match.start() - start < 100 and text[start - 1] in _NAME_CHARS:
            start -= 1
        if start > 0 and text[start - 1] == "\\" and text[start] in "ntr":
            start += 1  # `"\nAPI_KEY=..."`: the escape's letter is not part of the name
        if start >= 10 and text.startswith("[REDACTED:", start - 10):
            continue  # a placeholder's kind (`openai-key]:`) is not a name
        name = text[start : match.end("word")]
        flag = name.startswith("-")
        last = name.lstrip("-$").rsplit(".", 1)[-1]
        family = _family(last, flag)
        sep = match.group("sep")
        if family is None or (not sep.strip() and not flag):
            continue
        context = _context(text, start, name, flag, sep, match.group("close"))
        found = _value(text, match.end(), family, sep, context)
        if found is not None:
            value_start, value_end = found
            kind = "env-assignment"
            if family == "auth":
                kind = "authorization"
            elif "aws" in name.lower() and _AWS_SECRET.fullmatch(text, value_start, value_end):
                kind = "aws-secret-access-key"
            yield value_start, value_end, rank, kind


def _family(name: str, flag: bool) -> str | None:
    """The kind of secret a name announces, or None: `DB_PASSWORD`, `apiKey`, `X-Api-Key` do; `CACHE_KEY` does not."""
    segments = _SEGMENT.findall(name)
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
    if tail == "authorization" or (tail == "auth" and (several or shouted)):
        return "auth"
    return None


def _context(text: str, start: int, name: str, flag: bool, sep: str, close: str) -> str:
    """How to read a bare word after the name: as the value ("env", "flag", "query", "yaml") or as code ("code").

    `DB_PASSWORD=...`, `--password=...`, `Password=...;` and `?token=...` are values;
    `password: ...` at the start of a line is YAML (or INI); `password=password,`,
    `token = make()`, `PASS = ignore` and `password: str` are code.
    """
    before = text[start - 1] if start > 0 else "\n"
    if before in "?&":
        return "query"
    if flag and sep == "=":
        return "flag"
    if before == ";":
        return "env"
    if "." in name or close.endswith("]"):
        return "code"  # an attribute or a subscript is assigned by code
    lead = text[_line_start(text, start) : start].strip()
    if sep == "=" and name.isupper() and lead in ("", "export", "set", "ENV"):
        return "env"
    if lead in ("", "-") and (sep.strip() == ":" or sep == "="):
        return "yaml"
    return "code"


def _value(text: str, position: int, family: str, sep: str, context: str) -> tuple[int, int] | None:
    """Where the literal value after `name<sep>` is in `text`, or None when what follows is code or nothing."""
    if sep.strip() == ":" and (annotation := _ANNOTATION.match(text, position)) is not None:
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
        return (start, end) if _quoted_secret(value, family) else None
    scheme = _AUTH_SCHEME.match(text, position) if family == "auth" else None
    if scheme is not None:  # after `Basic ` or `Bearer ` comes the credential itself, whatever surrounds it
        credential = _CREDENTIAL.match(text, scheme.end())
        if credential is None or not _quoted_secret(credential.group(), family):
            return None
        return credential.span()
    bare = _BARE.match(text, position)
    if bare is None:
        return None
    start = bare.start()
    value = bare.group()
    if context == "query":
        value = re.split(r"[&#]", value, maxsplit=1)[0]
    if sep.strip() in ("==", "!=", "==="):
        context = "code"  # a comparison: only a quoted literal can be a secret
    if context in ("yaml", "code") and _OPERATORS.search(value) is not None:
        return None  # an expression, not a literal (checked early: dense names make this path hot)
    trimmed = value.rstrip(",;") if context in ("env", "flag", "query") else value.rstrip(",;:.")
    end = start + len(trimmed)
    rest = text[end : _line_end(text, end, 200)]
    if context == "env" and (value.endswith(",") or (value == trimmed and rest.strip())):
        context = "code"  # `API_KEY=api_key,` is a keyword argument; `TOKEN=a if b else c` an expression
    if context in ("yaml", "code") and _PROSE.match(rest):
        return None  # `api_key: The key to use.`, a docstring's argument list
    if _reference(value):
        return None  # checked before trimming: `sk-...` must not become `sk-`
    return (start, end) if _bare_secret(trimmed, context, punctuated=value.endswith(",")) else None


def _line_start(text: str, position: int) -> int:
    """Where the line holding `position` starts, looking back at most 200 characters (minified text has no lines)."""
    limit = max(0, position - 200)
    found = text.rfind("\n", limit, position)
    return found + 1 if found != -1 else limit


def _line_end(text: str, position: int, limit: int) -> int:
    """Where the line holding `position` ends, looking ahead at most `limit` characters."""
    end = text.find("\n", position, position + limit)
    return end if end != -1 else min(len(text), position + limit)


def _quoted_secret(value: str, family: str) -> bool:
    if len(value) < (3 if family == "password" else 8) or not _literal(value):
        return False
    if _ENV_NAME.fullmatch(value) or _reference(value) or _WRAPPED.fullmatch(value) or _CODE.search(value):
        return False
    if value[0] in ",;)]}+{$#":
        return False  # the closing quote of a string that holds the name: `print("password: ", x)`
    if _SPACE.search(value) is not None:
        # Passphrases may hold spaces; a token never does.
        return family == "password" and not value[0].isspace() and not value[-1].isspace()
    if family == "password":
        return not _SNAKE.fullmatch(value)
    # `"x-api-key"`, `"your-token"`, `"access_token"`: a name or a placeholder, not a key.
    return not (_WORDS.fullmatch(value) and (len(value) < 24 or not value.isalpha()))


def _bare_secret(value: str, context: str, *, punctuated: bool) -> bool:
    if len(value) < 3 or not _literal(value) or value[0] in "$%{<([@!&*|>#/\\":
        return False
    if value.lower() in _NOT_VALUES or _NUMBER.fullmatch(value) or _ENV_NAME.fullmatch(value):
        return False
    if _reference(value) or _BRACKETS.search(value) is not None or _DOTTED.fullmatch(value):
        return False  # a call, a subscript or an attribute: code
    if context in ("env", "flag", "query"):
        return True
    if _IDENT.fullmatch(value):
        if context == "yaml" and "_" not in value and not value[0].isupper() and not punctuated:
            return True  # `password: hunter`; `password: Secret` is a type annotation
        # In code a plain word is a variable unless it looks made up: `hunter2`, not `pw` or `s3_client`.
        return not punctuated and "_" not in value and _mixed(value)
    if _OPERATORS.search(value) is not None:
        return False  # an expression
    return _DIGIT.search(value) is not None or not _WORDS.fullmatch(value)


def _looks_random(run: str) -> bool:
    """Whether a run of base64 characters is a secret's random body rather than an identifier, a path or a name.

    Tuned on 54,000 distinct runs from the dev environment's site-packages and on random
    tokens: the rules below redact 99% or more of random base62/base64 tokens of 40+
    characters, 93-99% of 28-39 and 88-94% of 20-27, and no identifier, path or model name
    seen there (what they do redact are random ids and base64 data). Hexadecimal is never
    redacted here (see the module's docstring), nor are the hexadecimal parts of a path.
    """
    segments = _SEPARATORS.split(run.rstrip("="))
    kept = [segment for segment in segments if len(segment) < 7 or not _HEX.fullmatch(segment)]
    body = "/".join(kept) if len(kept) < len(segments) else run.rstrip("=")
    size = len(body)
    if size < 20 or not kept:
        return False
    if _cased(body):
        if len(kept) > size / 10 + 1 and not any(len(part) >= 16 and _cased(part) for part in kept):
            return False  # model names and paths: `Qwen3-30B-A3B-Instruct-2507`, `WizardLM/WizardLM-70B-V1`
        pieces = len(_PIECE.findall(body)) / size
        if pieces < (0.33 if size < 28 else 0.3) or _entropy(body) < min(0.8 * math.log2(size), 4.5):
            return False
        if size < 28:
            wordy = sum(len(word) for word in _WORD.findall(body)) / size
            return pieces >= 0.35 and wordy < 0.7  # `CrtS3SigV4AsymQueryAuth` is words, not noise
        return True
    # One case and digits (base36 tokens): judged part by part, as slugs are made of words.
    for part in kept:
        length = len(part)
        if length < 24 or _HEX.fullmatch(part) or not (part.islower() or part.isupper()):
            continue
        digits = len(_DIGIT.findall(part))
        if digits < 3 or length - digits < 3 or len(_PIECE.findall(part)) / length < 0.3:
            continue
        if _entropy(part) >= min(0.8 * math.log2(length), 4.3):
            return True
    return False


def _entropy(value: str) -> float:
    size = len(value)
    return -sum(count / size * math.log2(count / size) for count in Counter(value).values())


def _placeholders(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _REDACTED.finditer(text)] if "[REDACTED:" in text else []


def _merge(candidates: Iterator[Span], keep: list[tuple[int, int]]) -> list[Span]:
    """Overlapping findings become one span named by the most specific; placeholders already there stay as they are."""
    spans = sorted(candidates, key=lambda span: (span[0], -span[1], span[2]))
    merged: list[Span] = []
    for span in spans:
        if merged and span[0] < merged[-1][1]:
            start, end, rank, kind = merged[-1]
            if span[2] < rank:
                rank, kind = span[2], span[3]
            merged[-1] = (start, max(end, span[1]), rank, kind)
        else:
            merged.append(span)
    return _outside(merged, keep) if keep else merged


def _outside(spans: list[Span], keep: list[tuple[int, int]]) -> list[Span]:
    """The parts of `spans` that lie outside the placeholders in `keep`; both are sorted and disjoint."""
    parts: list[Span] = []
    first = 0
    for start, end, rank, kind in spans:
        while first < len(keep) and keep[first][1] <= start:
            first += 1
        index = first
        while index < len(keep) and keep[index][0] < end:
            if keep[index][0] > start:
                parts.append((start, keep[index][0], rank, kind))
            start = max(start, keep[index][1])
            index += 1
        if start < end:
            parts.append((start, end, rank, kind))
    return parts
