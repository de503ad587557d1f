"""Realistic random secrets in every format healer must redact, and the places such secrets turn up.

Every secret is generated at run time from a seed, never stored: a literal key in the
repository would set off secret scanners (GitHub push protection, gitleaks, trufflehog)
and read like a leak. The same seed always gives the same corpus.

Used by tests/llm/test_redact.py and by the end-to-end test through a fake model server:
`corpus(seed)` and `plant(secret, rng)` keep their signatures. `samples(seed)` gives the
same secrets with their random parts (`private`), which must never reach a model in any
form, and the kind `redact` reports for each.
"""

from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

B62 = string.ascii_letters + string.digits
B64 = B62 + "+/"
B64URL = B62 + "-_"
HEX = "0123456789abcdef"
BASE32 = string.ascii_uppercase + "234567"
UPPER36 = string.ascii_uppercase + string.digits


@dataclass(frozen=True)
class Sample:
    kind: str
    """The format, e.g. "github-classic-pat"; unique in the corpus."""
    secret: str
    """The whole secret as it would be pasted (a token, a URL with a password, a PEM block, a JSON key file)."""
    private: tuple[str, ...]
    """Its random parts: none of them may appear in what a model receives."""
    reported: str
    """The kind `redact` reports for it."""


def _chars(rng: random.Random, alphabet: str, size: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(size))


def _digits(rng: random.Random, size: int) -> str:
    return str(rng.randint(1, 9)) + _chars(rng, string.digits, size - 1)


def _token(prefix: str, alphabet: str, size: int, reported: str) -> Callable[[random.Random], tuple[str, str, str]]:
    """A prefix and a random body: the commonest shape of an API key."""

    def make(rng: random.Random) -> tuple[str, str, str]:
        body = _chars(rng, alphabet, size)
        return prefix + body, body, reported

    return make


def _openai(prefix: str) -> Callable[[random.Random], tuple[str, str, str]]:
    # Current OpenAI keys carry "T3BlbkFJ" (base64 of "OpenAI") between two random halves.
    def make(rng: random.Random) -> tuple[str, str, str]:
        body = _chars(rng, B64URL, 74) + "T3BlbkFJ" + _chars(rng, B64URL, 74)
        return prefix + body, body, "openai-key"

    return make


def _openai_legacy(rng: random.Random) -> tuple[str, str, str]:
    body = _chars(rng, B62, 20) + "T3BlbkFJ" + _chars(rng, B62, 20)
    return "sk-" + body, body, "openai-key"


def _anthropic(kind: str) -> Callable[[random.Random], tuple[str, str, str]]:
    def make(rng: random.Random) -> tuple[str, str, str]:
        body = _chars(rng, B64URL, 93) + "AA"
        return f"sk-ant-{kind}-{body}", body, "anthropic-key"

    return make


def _aws_session_token(prefix: str) -> Callable[[random.Random], tuple[str, str, str]]:
    def make(rng: random.Random) -> tuple[str, str, str]:
        body = _chars(rng, B64, 340)
        return prefix + body + "=", body, "aws-session-token"

    return make


def _github_fine_grained(rng: random.Random) -> tuple[str, str, str]:
    body = _chars(rng, B62, 22) + "_" + _chars(rng, B62, 59)
    return "github_pat_" + body, body, "github-token"


def _slack_bot(rng: random.Random) -> tuple[str, str, str]:
    body = f"{_digits(rng, 11)}-{_digits(rng, 13)}-{_chars(rng, B62, 24)}"
    return "xoxb-" + body, body, "slack-token"


def _slack_user(rng: random.Random) -> tuple[str, str, str]:
    body = f"{_digits(rng, 11)}-{_digits(rng, 11)}-{_digits(rng, 13)}-{_chars(rng, HEX, 32)}"
    return "xoxp-" + body, body, "slack-token"


def _slack_refresh(rng: random.Random) -> tuple[str, str, str]:
    body = f"1-{_chars(rng, B62, 12)}-{_digits(rng, 13)}-{_chars(rng, HEX, 64)}"
    return "xoxe-" + body, body, "slack-token"


def _slack_app(rng: random.Random) -> tuple[str, str, str]:
    body = f"A{_chars(rng, UPPER36, 10)}-{_digits(rng, 13)}-{_chars(rng, HEX, 64)}"
    return "xapp-1-" + body, body, "slack-token"


def _slack_webhook(rng: random.Random) -> tuple[str, str, str]:
    body = f"T{_chars(rng, UPPER36, 8)}/B{_chars(rng, UPPER36, 10)}/{_chars(rng, B62, 24)}"
    return "https://hooks.slack.com/services/" + body, body, "slack-webhook"


def _discord_webhook(rng: random.Random) -> tuple[str, str, str]:
    secret = _chars(rng, B64URL, 68)
    return f"https://discord.com/api/webhooks/{_digits(rng, 19)}/{secret}", secret, "discord-webhook"


def _sendgrid(rng: random.Random) -> tuple[str, str, str]:
    body = _chars(rng, B64URL, 22) + "." + _chars(rng, B64URL, 43)
    return "SG." + body, body, "sendgrid-key"


def _pypi(rng: random.Random) -> tuple[str, str, str]:
    # A PyPI token is a macaroon: base64 of a binary blob that starts by naming pypi.org.
    body = base64.urlsafe_b64encode(b"\x02\x01\x08pypi.org\x02\x25\x08" + rng.randbytes(140)).decode().rstrip("=")
    return "pypi-" + body, body[24:], "pypi-token"


def _twilio_account(rng: random.Random) -> tuple[str, str, str]:
    sid, auth = _chars(rng, HEX, 32), _chars(rng, HEX, 32)
    return f"AC{sid}:{auth}", auth, "twilio-key"


def _telegram(rng: random.Random) -> tuple[str, str, str]:
    body = "AA" + _chars(rng, B64URL, 33)
    return f"{_digits(rng, 10)}:{body}", body, "telegram-bot-token"


def _discord_bot(rng: random.Random) -> tuple[str, str, str]:
    user = base64.b64encode(_digits(rng, 18).encode()).decode().rstrip("=")
    body = _chars(rng, B64URL, 6) + "." + _chars(rng, B64URL, 38)
    return f"{user}.{body}", body, "discord-bot-token"


def _azure_connection(rng: random.Random) -> tuple[str, str, str]:
    key = _chars(rng, B64, 86) + "=="
    account = _chars(rng, string.ascii_lowercase, 12)
    secret = f"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={key};EndpointSuffix=core.windows.net"
    return secret, key.rstrip("="), "azure-storage-key"


def _azure_sas(rng: random.Random) -> tuple[str, str, str]:
    sig = quote(base64.b64encode(rng.randbytes(32)).decode(), safe="")
    account = _chars(rng, string.ascii_lowercase, 10)
    url = (
        f"https://{account}.blob.core.windows.net/backups/db.tar.gz?sv=2022-11-02&ss=b&srt=o&sp=r"
        f"&se=2030-01-01T00:00:00Z&spr=https&sig={sig}"
    )
    return url, sig, "azure-storage-key"


def _jwt(rng: random.Random) -> tuple[str, str, str]:
    def encode(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode().rstrip("=")

    claims = {
        "sub": _digits(rng, 10),
        "name": _chars(rng, string.ascii_lowercase, 8),
        "iat": rng.randint(1_600_000_000, 1_800_000_000),
    }
    payload, signature = encode(claims), _chars(rng, B64URL, 43)
    return f"{encode({'alg': 'HS256', 'typ': 'JWT'})}.{payload}.{signature}", signature, "jwt"


def _pem_lines(rng: random.Random, head: str, size: int) -> list[str]:
    body = head + _chars(rng, B64, size - len(head))
    return [body[i : i + 64] for i in range(0, len(body), 64)]


def _armor(label: str, lines: list[str], headers: tuple[str, ...] = ()) -> str:
    # Built from parts so that this file holds no armor line a secret scanner would flag.
    dashes = "-" * 5
    return "\n".join([f"{dashes}BEGIN {label}{dashes}", *headers, *lines, f"{dashes}END {label}{dashes}"])


def _pem(label: str, head: str) -> Callable[[random.Random], tuple[str, str, str]]:
    def make(rng: random.Random) -> tuple[str, str, str]:
        lines = _pem_lines(rng, head, 900)
        return _armor(label, lines), "\n".join(lines), "private-key"

    return make


def _pem_encrypted_rsa(rng: random.Random) -> tuple[str, str, str]:
    lines = _pem_lines(rng, "MIIEpQ", 900)
    iv = _chars(rng, "0123456789ABCDEF", 32)
    headers = ("Proc-Type: 4,ENCRYPTED", f"DEK-Info: AES-256-CBC,{iv}", "")
    return _armor("RSA PRIVATE KEY", lines, headers), "\n".join(lines), "private-key"


def _pgp(rng: random.Random) -> tuple[str, str, str]:
    lines = _pem_lines(rng, "lQOYBG", 900)
    checksum = "=" + _chars(rng, B64, 4)
    return _armor("PGP PRIVATE KEY BLOCK", ["", *lines, checksum]), "\n".join(lines), "private-key"


def _service_account(rng: random.Random) -> tuple[str, str, str]:
    lines = _pem_lines(rng, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 1600)
    pem = _armor("PRIVATE KEY", lines) + "\n"
    project = _chars(rng, string.ascii_lowercase, 8) + "-" + _digits(rng, 6)
    document = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": _chars(rng, HEX, 40),
        "private_key": pem,
        "client_email": f"deployer@{project}.iam.gserviceaccount.com",
        "client_id": _digits(rng, 21),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return json.dumps(document, indent=2), "\n".join(lines), "private-key"


def _url_password(scheme: str, user: str, host: str) -> Callable[[random.Random], tuple[str, str, str]]:
    def make(rng: random.Random) -> tuple[str, str, str]:
        password = _chars(rng, B62, 14) + rng.choice("!*~") + _chars(rng, B62, 5)
        return f"{scheme}://{user}:{password}@{host}", password, "url-password"

    return make


def _bearer(rng: random.Random) -> tuple[str, str, str]:
    token = _chars(rng, B64URL, 40)
    return "Authorization: Bearer " + token, token, "bearer-token"


def _basic(rng: random.Random) -> tuple[str, str, str]:
    pair = f"deploy:{_chars(rng, B62, 18)}"
    token = base64.b64encode(pair.encode()).decode()
    return "Authorization: Basic " + token, token.rstrip("="), "authorization"


def _aws_secret(rng: random.Random) -> tuple[str, str, str]:
    secret = _chars(rng, B64, 40)
    return secret, secret, "high-entropy"


def _generic(alphabet: str, size: int) -> Callable[[random.Random], tuple[str, str, str]]:
    def make(rng: random.Random) -> tuple[str, str, str]:
        secret = _chars(rng, alphabet, size)
        return secret, secret, "high-entropy"

    return make


_FORMATS: tuple[tuple[str, Callable[[random.Random], tuple[str, str, str]]], ...] = (
    ("openai-legacy", _openai_legacy),
    ("openai-project", _openai("sk-proj-")),
    ("openai-service-account", _openai("sk-svcacct-")),
    ("openai-admin", _openai("sk-admin-")),
    ("openai-user-none", _openai("sk-None-")),
    ("openrouter", _token("sk-or-v1-", HEX, 64, "openrouter-key")),
    ("anthropic-api", _anthropic("api03")),
    ("anthropic-admin", _anthropic("admin01")),
    ("aws-access-key-id", _token("AKIA", BASE32, 16, "aws-access-key-id")),
    ("aws-temporary-access-key-id", _token("ASIA", BASE32, 16, "aws-access-key-id")),
    ("aws-secret-access-key", _aws_secret),
    ("aws-session-token", _aws_session_token("IQoJb3JpZ2luX2VjE")),
    ("aws-session-token-legacy", _aws_session_token("FwoGZXIvYXdzE")),
    ("google-api-key", _token("AIza", B64URL, 35, "google-api-key")),
    ("google-oauth-access-token", _token("ya29.", B64URL, 150, "google-oauth-token")),
    ("google-oauth-refresh-token", _token("1//0", B64URL, 100, "google-oauth-token")),
    ("google-oauth-client-secret", _token("GOCSPX-", B64URL, 28, "google-client-secret")),
    ("google-service-account-json", _service_account),
    ("github-classic-pat", _token("ghp_", B62, 36, "github-token")),
    ("github-oauth", _token("gho_", B62, 36, "github-token")),
    ("github-user-to-server", _token("ghu_", B62, 36, "github-token")),
    ("github-server-to-server", _token("ghs_", B62, 36, "github-token")),
    ("github-refresh", _token("ghr_", B62, 76, "github-token")),
    ("github-fine-grained-pat", _github_fine_grained),
    ("gitlab-pat", _token("glpat-", B64URL, 20, "gitlab-token")),
    ("gitlab-deploy-token", _token("gldt-", B64URL, 20, "gitlab-token")),
    ("gitlab-runner-token", _token("glrt-", B64URL, 20, "gitlab-token")),
    ("gitlab-pipeline-trigger", _token("glptt-", HEX, 40, "gitlab-token")),
    ("gitlab-runner-registration", _token("GR1348941", B64URL, 20, "gitlab-token")),
    ("slack-bot", _slack_bot),
    ("slack-user", _slack_user),
    ("slack-refresh", _slack_refresh),
    ("slack-app-level", _slack_app),
    ("slack-webhook", _slack_webhook),
    ("discord-webhook", _discord_webhook),
    ("stripe-live-secret", _token("sk_live_", B62, 99, "stripe-key")),
    ("stripe-test-secret", _token("sk_test_", B62, 24, "stripe-key")),
    ("stripe-restricted", _token("rk_live_", B62, 99, "stripe-key")),
    ("stripe-publishable", _token("pk_live_", B62, 99, "stripe-key")),
    ("stripe-webhook-secret", _token("whsec_", B62, 32, "stripe-key")),
    ("huggingface", _token("hf_", string.ascii_letters, 34, "huggingface-token")),
    ("npm", _token("npm_", B62, 36, "npm-token")),
    ("pypi", _pypi),
    ("sendgrid", _sendgrid),
    ("twilio-api-key", _token("SK", HEX, 32, "twilio-key")),
    ("twilio-account-and-auth-token", _twilio_account),
    ("mailgun", _token("key-", HEX, 32, "mailgun-key")),
    ("digitalocean", _token("dop_v1_", HEX, 64, "digitalocean-token")),
    ("databricks", _token("dapi", HEX, 32, "databricks-token")),
    ("shopify-access-token", _token("shpat_", HEX, 32, "shopify-token")),
    ("shopify-shared-secret", _token("shpss_", HEX, 32, "shopify-token")),
    ("groq", _token("gsk_", B62, 52, "groq-key")),
    ("replicate", _token("r8_", B62, 37, "replicate-token")),
    ("xai", _token("xai-", B62, 80, "xai-key")),
    ("perplexity", _token("pplx-", B62, 48, "perplexity-key")),
    ("telegram-bot", _telegram),
    ("discord-bot", _discord_bot),
    ("azure-storage-connection-string", _azure_connection),
    ("azure-sas-url", _azure_sas),
    ("jwt", _jwt),
    ("pem-rsa", _pem("RSA PRIVATE KEY", "MIIEowIBAAKCAQEA")),
    ("pem-pkcs8", _pem("PRIVATE KEY", "MIIEvgIBADANBgkqhkiG9w0BAQEFAASC")),
    ("pem-ec", _pem("EC PRIVATE KEY", "MHcCAQEEI")),
    ("pem-dsa", _pem("DSA PRIVATE KEY", "MIIBuwIBAAKBgQ")),
    ("pem-openssh", _pem("OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAA")),
    ("pem-encrypted-pkcs8", _pem("ENCRYPTED PRIVATE KEY", "MIIFHDBOBgkqhkiG9w0BBQ0w")),
    ("pem-encrypted-rsa", _pem_encrypted_rsa),
    ("pgp-private-key-block", _pgp),
    ("url-password-postgres", _url_password("postgresql", "app", "db.internal:5432/orders")),
    ("url-password-redis", _url_password("redis", "", "cache.internal:6379/0")),
    ("url-password-https", _url_password("https", "deploy", "git.example.com/team/app.git")),
    ("url-password-amqp", _url_password("amqp", "worker", "mq.internal:5672/%2f")),
    ("http-bearer-header", _bearer),
    ("http-basic-header", _basic),
    ("generic-base62-40", _generic(B62, 40)),
    ("generic-base64url-64", _generic(B64URL, 64)),
)


def samples(seed: int = 0) -> list[Sample]:
    """One fresh secret per format, the same for the same seed."""
    found = []
    for index, (kind, make) in enumerate(_FORMATS):
        secret, private, reported = make(random.Random(f"{seed}:{index}:{kind}"))
        # A key's last line may be a few characters: too short to identify anything, and left out.
        parts = tuple(part for part in private.split("\n") if len(part) >= 8)
        found.append(Sample(kind, secret, parts, reported))
    return found


def corpus(seed: int = 0) -> list[tuple[str, str]]:
    """(kind, secret) for every format in the corpus."""
    return [(sample.kind, sample.secret) for sample in samples(seed)]


NAMES = ("value", "config_value", "payload", "api_key", "token", "secret", "auth", "x")
"""Names a secret is assigned to in code: neutral ones too, so a format is found by its shape alone."""

ANCHORS = ("billing-service", "worker-3", "client.py", "expected-value", "rotate before release", "page=2")
"""Text around the planted secret that must survive redaction untouched."""


def plant(secret: str, rng: random.Random) -> list[str]:
    """The secret in the places secrets leak into: code, configuration, logs, URLs, test output, comments.

    Multi-line secrets (PEM blocks, key files) are written the way each place writes them:
    escaped (`\\n`) inside a one-line string, indented in YAML, line by line in a comment.
    """
    name = rng.choice(NAMES)
    env = rng.choice(("API_KEY", "SERVICE_TOKEN", "APP_SECRET", "CREDENTIALS", "SETTING"))
    multiline = "\n" in secret
    inline = json.dumps(secret)[1:-1] if multiline else secret
    python = f'{name} = """{secret}"""' if multiline else f'{name} = "{secret}"'
    if secret.startswith(("http://", "https://")) or "://" in secret[:16]:
        url = f"2024-03-05 14:22:31 INFO POST {secret} -> 200 (page=2)"
    else:
        url = f"GET https://api.example.com/v1/items?{rng.choice(('api_key', 'key', 'ref'))}={inline}&page=2 HTTP/1.1"
    yaml_value = "|\n" + "\n".join("    " + line for line in secret.split("\n")) if multiline else secret
    comment = "\n".join("# " + line for line in f"rotate before release:\n{secret}".split("\n"))
    return [
        f"import os\n\n{python}\nTIMEOUT = 30  # billing-service\n",
        f'config = {{"service": "billing-service", "{name}": "{inline}", "retries": 3}}\n',
        f'{env}="{inline}"\nLOG_LEVEL=debug\n' if multiline else f"{env}={secret}\nLOG_LEVEL=debug\n",
        f"2024-03-05 14:22:31,907 WARNING [worker-3] request failed with credentials {inline} (status 401)\n",
        "Traceback (most recent call last):\n"
        '  File "/srv/app/client.py", line 41, in connect\n'
        f'    session.login({name}="{inline}")\n'
        f"RuntimeError: login rejected for {inline}\n",
        url + "\n",
        json.dumps({"name": "billing-service", "credentials": {name: secret, "region": "eu-west-1"}}, indent=2),
        f"export {env}='{inline}'\n",
        f"services:\n  billing-service:\n    image: app:1.4\n    {name}: {yaml_value}\n",
        f"E       AssertionError: assert {secret!r} == 'expected-value'\n"
        "E         \n"
        "E         - expected-value\n"
        f"E         + {inline}\n",
        comment + "\n",
        "\n".join(f"[worker-3] attempt {attempt}: using {inline}" for attempt in range(1, 4)) + "\n",
    ]
