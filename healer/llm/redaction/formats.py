"""Layer 1: secrets recognised by their format alone, wherever they are written and whatever name they have.

Three kinds of recogniser, all from what providers document about their tokens:

- `PREFIXED`: a distinctive prefix (`sgp_`, `shippo_live_`, `dp.pt.`) and the shape of the
  body after it. All prefixes are searched at once by one regular expression built as a trie
  (`_trie`), so 150 prefixes cost about what one does; the body's own pattern is then matched
  where the prefix ended, and a `check` rejects bodies that are words (`re_` is the prefix of a
  Resend key and of `re_compile_pattern`).
- `SHAPED`: formats with no prefix to search for, or one too short to search alone: they start
  with a literal (a host name, `-us` of a Mailchimp key), and what must come before it is
  matched backwards (`before`).
- Private key blocks, passwords and tokens inside URLs, and `Bearer` credentials.

Each yields spans (start, end, rank, kind); a lower rank is more specific and names a merged span.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from healer.llm.redaction.values import ALNUM, TOKENISH, WORDISH, cased, glued, literal, mixed, reference

Span = tuple[int, int, int, str]
"""(start, end, rank, kind)."""


@dataclass(frozen=True)
class Shaped:
    kind: str
    pattern: re.Pattern[str]
    check: Callable[[str], bool] | None = None
    """A further test of the secret's text, for shapes a regex alone would over-match."""
    left: str = ""
    """Characters that must not come right before the match (it would be the tail of a longer word)."""
    before: re.Pattern[str] | None = None
    """What must come right before the match (searched backwards, anchored by `\\Z`); part of the secret unless `s`."""


def _shaped(
    kind: str,
    pattern: str,
    check: Callable[[str], bool] | None = None,
    *,
    left: str = "",
    before: str | None = None,
) -> Shaped:
    return Shaped(kind, re.compile(pattern), check, left, re.compile(before) if before else None)


_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_END = r"(?![A-Za-z0-9])"

# Patterns start with a literal where they can, so the regex engine skips ahead with a fast search; the
# boundary before the match is then checked in Python (a leading lookbehind would defeat that search).
# The secret is the named group `s` when there is one (the rest is kept as context), else the whole match.
SHAPED: tuple[Shaped, ...] = (
    _shaped("anthropic-key", r"sk-ant-[a-z]{2,12}[0-9]{2}-[A-Za-z0-9_-]{20,1000}"),
    _shaped("openrouter-key", r"sk-or-(?:v[0-9]-)?[A-Za-z0-9]{32,1000}"),
    _shaped(
        "openai-key",
        r"sk-(?!ant-|or-)(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,1000}|[A-Za-z0-9_-]{32,1000})",
        mixed,
        left=TOKENISH,
    ),
    _shaped(
        "aws-access-key-id",
        r"A(?:3T[A-Z0-9]|KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA|BIA|CCA|PKA)[A-Z0-9]{16}(?![A-Za-z0-9])",
        left=ALNUM,
    ),
    # Session tokens are base64 of a protobuf that starts with the same bytes ("er/aws", "origin").
    _shaped("aws-session-token", r"(?:FwoGZXIvYXdz|FQoGZXIvYXdz|IQoJb3JpZ2lu|AQoDYXdz)[A-Za-z0-9/+=]{40,8000}"),
    _shaped("google-api-key", r"AIza[0-9A-Za-z_-]{35}"),
    _shaped("google-oauth-token", r"ya29\.[0-9A-Za-z_-]{20,4000}"),
    _shaped("google-oauth-token", r"1//0[0-9A-Za-z_-]{30,1000}", left=ALNUM + "/"),
    _shaped("google-client-secret", r"GOCSPX-[0-9A-Za-z_-]{20,100}"),
    _shaped("github-token", r"gh[pousr]_[A-Za-z0-9]{36,255}"),
    _shaped("github-token", r"github_pat_[A-Za-z0-9_]{40,255}"),
    _shaped(
        "gitlab-token",
        r"gl(?:pat|dt|rt|ptt|cbt|soat|oas|ft|imt|agent|wt|ffct)-[A-Za-z0-9_-]{20,300}(?:\.[A-Za-z0-9_-]{2,100}){0,3}",
    ),
    _shaped("gitlab-token", r"GR1348941[A-Za-z0-9_-]{20,300}"),
    _shaped("slack-token", r"xox[abposre]-[A-Za-z0-9-]{10,500}", mixed),
    _shaped("slack-token", r"xoxe\.xox[a-z]-[0-9]-[A-Za-z0-9-]{20,500}"),
    _shaped("slack-token", r"xapp-[0-9]-[A-Za-z0-9-]{10,500}"),
    _shaped("slack-webhook", r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<s>[A-Za-z0-9_/+-]{20,500})"),
    _shaped("discord-webhook", r"discord(?:app)?\.com/api/webhooks/(?P<s>[0-9]{5,30}/[A-Za-z0-9_-]{20,200})"),
    _shaped("teams-webhook", r"\.office\.com/webhook(?:b2)?/(?P<s>[A-Za-z0-9@/_-]{40,400})"),
    _shaped("zapier-webhook", r"hooks\.zapier\.com/hooks/catch/(?P<s>[0-9]{3,12}/[A-Za-z0-9]{4,20})"),
    _shaped("stripe-key", r"[spr]k_(?:live|test)_[A-Za-z0-9]{10,500}"),
    _shaped("stripe-key", r"whsec_[A-Za-z0-9+/=]{20,500}"),
    _shaped("huggingface-token", r"hf_[A-Za-z0-9]{30,100}", left=WORDISH),
    _shaped("npm-token", r"npm_[A-Za-z0-9]{36,100}", left=WORDISH),
    _shaped("pypi-token", r"pypi-AgE[A-Za-z0-9_-]{50,2000}"),
    _shaped("sendgrid-key", r"SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,64}"),
    _shaped("twilio-key", r"SK[0-9a-fA-F]{32}(?![A-Za-z0-9])", left=ALNUM),
    _shaped("twilio-key", r"AC[0-9a-f]{32}(?::[0-9a-f]{32})?(?![A-Za-z0-9])", left=ALNUM),
    _shaped("mailgun-key", r"key-[0-9a-f]{32}(?![A-Za-z0-9])", left=TOKENISH),
    _shaped("mailchimp-key", r"-us[0-9]{1,2}" + _END, before=r"(?<![A-Za-z0-9])[0-9a-f]{32}\Z"),
    _shaped("newrelic-key", r"NRAL" + _END, before=r"(?<![A-Za-z0-9])[0-9a-f]{36}\Z"),
    _shaped("terraform-token", r"\.atlasv1\.[A-Za-z0-9_=-]{60,200}", before=r"(?<![A-Za-z0-9])[A-Za-z0-9]{14}\Z"),
    _shaped("asana-token", r"/[0-9]{16}/[0-9]{16}:[0-9a-f]{32}" + _END, before=r"(?<![0-9/])[12]\Z"),
    _shaped(
        "ably-key",
        r":[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])",
        before=r"(?<![A-Za-z0-9_.-])[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{6}\Z",
    ),
    _shaped("salesforce-token", r"![A-Za-z0-9._-]{40,400}", before=r"(?<![A-Za-z0-9])00D[A-Za-z0-9]{12,15}\Z"),
    _shaped("digitalocean-token", r"do[por]_v1_[a-f0-9]{64}"),
    _shaped("databricks-token", r"dapi[a-f0-9]{32}(?:-[0-9]{1,2})?(?![A-Za-z0-9])", left=WORDISH),
    _shaped("shopify-token", r"shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}"),
    _shaped("groq-key", r"gsk_[A-Za-z0-9]{40,100}"),
    _shaped("replicate-token", r"r8_[A-Za-z0-9]{30,100}", left=WORDISH),
    _shaped("xai-key", r"xai-[A-Za-z0-9]{40,200}", left=TOKENISH),
    _shaped("perplexity-key", r"pplx-[A-Za-z0-9]{40,100}"),
    _shaped("telegram-bot-token", r":AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])", before=r"(?<![0-9])[0-9]{8,10}\Z"),
    _shaped(
        "discord-bot-token",
        r"[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6,7}\.[A-Za-z0-9_-]{27,40}(?![A-Za-z0-9_-])",
        cased,
        left=TOKENISH,
    ),
    _shaped("azure-storage-key", r"AccountKey=(?P<s>[A-Za-z0-9+/]{20,200}={0,2})"),
    _shaped("azure-storage-key", r"SharedAccessKey=(?P<s>[A-Za-z0-9+/]{20,200}={0,2})"),
    _shaped("azure-storage-key", r"sig=(?P<s>[A-Za-z0-9%+/=]{20,300})", before=r"[?&]\Z"),
    _shaped(
        "azure-client-secret", r"Q~[A-Za-z0-9_~.-]{31,40}", before=r"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}[0-9]\Z"
    ),
    _shaped("jwt", r"eyJ[A-Za-z0-9_-]{10,8000}\.[A-Za-z0-9_-]{10,40000}\.[A-Za-z0-9_-]{0,8000}", left=TOKENISH),
)


@dataclass(frozen=True)
class Prefixed:
    kind: str
    prefix: str
    body: re.Pattern[str]
    """What follows the prefix; matched where the prefix ends."""
    check: Callable[[str], bool] | None = None


_B62 = "[A-Za-z0-9]"
_B64U = "[A-Za-z0-9_-]"
_B64 = "[A-Za-z0-9+/=]"
_HEX = "[a-f0-9]"


def _p(kind: str, prefixes: str, body: str, check: Callable[[str], bool] | None = None) -> list[Prefixed]:
    """One recogniser per prefix of `prefixes` (separated by spaces), sharing a body."""
    pattern = re.compile(body)
    return [Prefixed(kind, prefix, pattern, check) for prefix in prefixes.split()]


PREFIXED: tuple[Prefixed, ...] = tuple(
    spec
    for group in (
        # cloud
        _p("digitalocean-key", "DO00", "[A-Z0-9]{16}" + _END, mixed),
        _p("scaleway-key", "SCW", "[A-Z0-9]{17}" + _END, mixed),
        _p("alibaba-key", "LTAI", _B62 + "{12,30}" + _END, mixed),
        _p("heroku-token", "HRKU-", _B64U + "{40,100}"),
        _p("fly-token", "fm1r_ fm1a_ fm2_ fo1_", "[A-Za-z0-9+/=_-]{40,4000}", mixed),
        _p("netlify-token", "nfp_", _B62 + "{36,60}"),
        _p("cloudflare-key", "v1.0-", _HEX + "{24}-" + _HEX + "{140,160}"),
        _p("vault-token", "hvs. hvb. hvr.", _B64U + "{24,400}", mixed),
        _p(
            "doppler-token",
            "dp.pt. dp.st. dp.sa. dp.ct. dp.scim. dp.audit.",
            "(?:[a-z0-9_-]{1,30}\\.)?" + _B62 + "{40,44}",
        ),
        _p("pulumi-token", "pul-", _HEX + "{40}"),
        _p("render-key", "rnd_", _B62 + "{32,40}"),
        _p("tailscale-key", "tskey-", "[a-z]{3,10}-" + _B62 + "{8,24}-" + _B62 + "{20,60}"),
        _p("infracost-key", "ico-", _B62 + "{32}"),
        _p("yandex-key", "AQVN", _B64U + "{35,38}"),
        _p("yandex-token", "t1.", _B64U + "{40,200}\\." + _B64U + "{40,200}", mixed),
        _p("yandex-token", "y0_", _B64U + "{50,200}", mixed),
        _p("onepassword-token", "ops_eyJ", "[A-Za-z0-9_.-]{40,4000}"),
        _p("bitwarden-token", "0.", _UUID + "\\." + _B62 + "{20,40}:[A-Za-z0-9+/]{20,30}={0,2}"),
        # version control and continuous integration
        _p("bitbucket-token", "ATBB", "[A-Za-z0-9_=-]{28,64}" + _END, mixed),
        _p("atlassian-token", "ATATT3 ATCTT3 ATSTT3", "[A-Za-z0-9_=-]{60,400}"),
        _p("trello-token", "ATTA", "[a-fA-F0-9]{60,80}" + _END),
        _p("sourcegraph-token", "sgp_", "(?:local_|" + _HEX + "{16}_)?" + _HEX + "{40}"),
        _p("circleci-token", "CCIPAT_ CCIPRJ_", _B62 + "{20,30}_" + _HEX + "{40}"),
        _p("buildkite-token", "bkua_", _HEX + "{40}"),
        _p("buildkite-token", "bkct_", _B62 + "{30,60}", mixed),
        _p("sonar-token", "squ_ sqp_ sqa_", _HEX + "{40}"),
        _p("harness-token", "pat. sat.", _B64U + "{20,24}\\." + _HEX + "{24}\\." + _B62 + "{20}"),
        _p("octopus-key", "API-", "[A-Z0-9]{25,32}" + _END, mixed),
        _p("jfrog-key", "AKCp", _B62 + "{60,80}"),
        _p("jfrog-token", "cmVmdGtuOjAxOj", _B64 + "{40,2000}"),
        _p("postman-key", "PMAK-", _HEX + "{24}-" + _HEX + "{34}"),
        _p("prefect-key", "pnu_", _B62 + "{36}"),
        # chat
        _p("intercom-token", "dG9rOj", _B64 + "{40,200}"),
        _p("twitter-token", "AAAAAAAAAAAAAAAAAAAAA", "[A-Za-z0-9%]{30,200}", mixed),
        _p("meta-token", "EAAB EAAC EAAG EAAI EAAJ", _B62 + "{90,400}"),
        _p("instagram-token", "IGQV IGAA", _B64U + "{90,400}"),
        # payment
        _p("square-token", "EAAA", _B64U + "{56,64}"),
        _p("square-token", "sq0atp- sq0csp- sq0idp-", _B64U + "{22,43}"),
        _p("braintree-token", "access_token$production$ access_token$sandbox$", "[a-z0-9]{16}\\$" + _HEX + "{32}"),
        _p("shippo-token", "shippo_live_ shippo_test_", _HEX + "{40}"),
        _p("razorpay-key", "rzp_live_ rzp_test_", _B62 + "{14,20}"),
        _p("flutterwave-key", "FLWSECK- FLWSECK_TEST- FLWPUBK- FLWPUBK_TEST-", _HEX + "{32}-X"),
        _p("plaid-token", "access-production- access-sandbox- access-development-", _UUID),
        _p("gocardless-token", "live_ sandbox_", _B64U + "{40}" + _END, cased),
        _p("duffel-token", "duffel_live_ duffel_test_", _B64U + "{43}"),
        _p("easypost-key", "EZAK EZTK", _HEX + "{54}"),
        _p("adyen-key", "AQE", "[A-Za-z0-9+/=_.-]{80,400}", cased),
        _p("woocommerce-key", "ck_ cs_", _HEX + "{40}" + _END),
        # email
        _p("mandrill-key", "md-", _B64U + "{22}" + _END, cased),
        _p("brevo-key", "xkeysib- xsmtpsib-", _HEX + "{64}-" + _B62 + "{16}"),
        _p("resend-key", "re_", _B62 + "{8}_" + _B62 + "{24}" + _END, cased),
        _p("mailersend-token", "mlsn.", _HEX + "{64}"),
        # monitoring
        _p("sentry-token", "sntrys_", "[A-Za-z0-9+/=_-]{60,400}"),
        _p("sentry-token", "sntryu_", _HEX + "{64}"),
        _p("newrelic-key", "NRAK-", "[A-Z0-9]{27}"),
        _p("newrelic-key", "NRII-", _B64U + "{32}"),
        _p("newrelic-key", "NRJS-", _HEX + "{19}"),
        _p("newrelic-key", "NRAA-", _HEX + "{27}"),
        _p("grafana-token", "glc_", "[A-Za-z0-9+/=_-]{32,400}"),
        _p("grafana-token", "glsa_", _B62 + "{32}_" + _HEX + "{8}"),
        _p("grafana-key", "eyJrIjoi", _B64 + "{40,400}"),
        _p("dynatrace-token", "dt0c01.", "[A-Z0-9]{24}\\.[A-Z0-9]{64}"),
        _p("honeycomb-key", "hcaik_ hcxik_ hcamk_", "[a-z0-9]{40,80}"),
        _p("axiom-token", "xaat- xapt-", _UUID),
        _p("launchdarkly-key", "sdk- api- mob-", _UUID + _END),
        _p("posthog-key", "phx_", _B62 + "{40,50}"),
        # package registries
        _p("rubygems-key", "rubygems_", _HEX + "{48}"),
        _p("nuget-key", "oy2", "[a-z0-9]{43}" + _END, mixed),
        _p("docker-token", "dckr_pat_ dckr_oat_", _B64U + "{27,40}"),
        _p("crates-token", "cio", _B62 + "{32}" + _END, cased),
        _p("clojars-token", "CLOJARS_", _HEX + "{60}"),
        _p("readme-key", "rdme_", _HEX + "{70}"),
        # AI providers
        _p("huggingface-token", "api_org_", _B62 + "{30,40}", mixed),
        _p("fireworks-key", "fw_", _B62 + "{20,40}" + _END, mixed),
        _p("langsmith-key", "lsv2_pt_ lsv2_sk_", _HEX + "{32}_" + _HEX + "{10}"),
        _p("pinecone-key", "pcsk_", _B62 + "{4,8}_" + _B62 + "{40,90}"),
        _p("cerebras-key", "csk-", "[a-z0-9]{40,60}", mixed),
        _p("elevenlabs-key", "sk_", _HEX + "{48}" + _END),
        _p("tavily-key", "tvly-", "(?:dev-|prod-)?" + _B62 + "{32}"),
        _p("firecrawl-key", "fc-", _HEX + "{32}" + _END),
        _p("langfuse-key", "sk-lf- pk-lf-", _UUID),
        _p("nvidia-key", "nvapi-", _B64U + "{60,70}"),
        _p("voyage-key", "pa-", _B64U + "{43}" + _END, cased),
        # databases
        _p("planetscale-token", "pscale_tkn_ pscale_pw_ pscale_oauth_", "[A-Za-z0-9_=.-]{32,64}"),
        _p("supabase-token", "sbp_", "(?:oauth_)?" + _HEX + "{40}"),
        _p("supabase-key", "sb_secret_", _B64U + "{20,80}"),
        _p("fauna-key", "fnA", _B64U + "{37,40}" + _END, cased),
        _p("neon-key", "napi_", "[a-z0-9]{40,80}", mixed),
        # services
        _p("linear-key", "lin_api_", _B62 + "{40}"),
        _p("linear-token", "lin_oauth_", _HEX + "{64}"),
        _p("figma-token", "figd_", _B64U + "{40,60}"),
        _p("notion-token", "ntn_", _B62 + "{40,50}"),
        _p("notion-token", "secret_", _B62 + "{43}" + _END, cased),
        _p("airtable-token", "pat", _B62 + "{14}\\." + _HEX + "{64}"),
        _p("clickup-token", "pk_", "[0-9]{6,10}_[A-Z0-9]{32}"),
        _p("dropbox-token", "sl.", _B64U + "{130,1400}"),
        _p("mapbox-token", "sk.eyJ pk.eyJ", _B64U + "{20,200}\\." + _B64U + "{20,40}"),
        _p("contentful-token", "CFPAT-", _B64U + "{43}"),
        _p("typeform-token", "tfp_", _B64U + "{40,80}"),
        _p("hubspot-token", "pat-na1- pat-na2- pat-eu1-", _UUID),
        _p("adafruit-key", "aio_", _B62 + "{28}"),
        _p("provenance-key", "p8e-", _B62 + "{32,64}"),
        _p("modal-token", "as- ak-", _B62 + "{22}" + _END, cased),
        _p("age-secret-key", "AGE-SECRET-KEY-1", "[0-9A-Z]{58}"),
    )
    for spec in group
)


class _Node(dict[str, "_Node"]):
    """One character of the prefix trie; the key "" marks a prefix that ends here."""


def _trie(words: list[str]) -> str:
    """A regex matching any of `words`, branching one character at a time so a search tries few alternatives."""
    tree = _Node()
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, _Node())
        node[""] = _Node()

    def render(node: _Node) -> str:
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return render(tree)


_BY_PREFIX: dict[str, list[Prefixed]] = {}
for _spec in PREFIXED:
    _BY_PREFIX.setdefault(_spec.prefix, []).append(_spec)
# Longest first at each branch is not needed: the trie is greedy, and a prefix that is itself the start of
# another (`sk_` of `sk_live_` has no spec here) is tried from the longest match down in `_prefixed`.
_PREFIXES = re.compile(_trie(sorted(_BY_PREFIX)))
_PREFIX_LEFT = TOKENISH + "."


def _prefixed(text: str, rank: int) -> Iterator[Span]:
    position = 0
    while (match := _PREFIXES.search(text, position)) is not None:
        begin, found = match.start(), match.group()
        position = begin + 1
        if glued(text, begin, _PREFIX_LEFT):
            continue
        # The longest prefix first, then shorter ones that are prefixes of it (`pat-na1-` before `pat`).
        for size in range(len(found), 0, -1):
            for spec in _BY_PREFIX.get(found[:size], ()):
                body = spec.body.match(text, begin + size)
                if body is None or (spec.check is not None and not spec.check(body.group())):
                    continue
                yield begin, body.end(), rank, spec.kind
                position = body.end()
                break
            else:
                continue
            break


_PEM_BEGIN = re.compile(r"-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----")
_PEM_END = re.compile(r"-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----")

# The user part stops at the first colon and the password at `@`: no two quantifiers compete for a character.
# The password stops at `/` too, so no two matches overlap (each starts at a `://`): long values stay linear.
_URL_PASSWORD = re.compile(r"://[^\s:/@'\"<>]{0,200}:(?P<s>[^\s/@'\"<>]{1,8000})@")
# A token as the user part alone: a Sentry DSN's key, `https://<token>@github.com/...`.
_URL_TOKEN = re.compile(r"://(?P<s>[A-Za-z0-9_.~%-]{20,300})@")
_BEARER = re.compile(r"bearer[ \t]{1,8}(?P<s>[A-Za-z0-9._~+/-]{8,8000}=*)")


def format_spans(text: str, lowered: str, rank: int) -> Iterator[Span]:
    """Every secret `text` holds in a known format; `lowered` is `text` in ASCII lower case, as long."""
    for spec in SHAPED:
        group = "s" if "s" in spec.pattern.groupindex else 0
        for match in spec.pattern.finditer(text):
            begin, (start, end) = match.start(), match.span(group)
            if spec.left and glued(text, begin, spec.left):
                continue
            if spec.check is not None and not spec.check(match.group(group)):
                continue
            if spec.before is not None:
                head = spec.before.search(text, max(0, begin - 100), begin)
                if head is None:
                    continue
                start = head.start() if group == 0 else start
            yield start, end, rank, spec.kind
        rank += 1
    yield from _prefixed(text, rank)
    yield from _pem_blocks(text, rank + 1)
    for match in _URL_PASSWORD.finditer(text):
        if literal(match.group("s")):
            yield match.start("s"), match.end("s"), rank + 2, "url-password"
    for match in _URL_TOKEN.finditer(text):
        if mixed(match.group("s")) and literal(match.group("s")):
            yield match.start("s"), match.end("s"), rank + 2, "url-token"
    for match in _BEARER.finditer(lowered):
        token = text[match.start("s") : match.end("s")]
        if match.start() > 0 and lowered[match.start() - 1] in WORDISH:
            continue
        if literal(token) and not reference(token) and mixed(token):
            yield match.start("s"), match.end("s"), rank + 3, "bearer-token"


FORMAT_RANKS = len(SHAPED) + 4
"""How many ranks `format_spans` uses: the next layer's start after it."""


def _pem_blocks(text: str, rank: int) -> Iterator[Span]:
    position = 0
    while (begin := _PEM_BEGIN.search(text, position)) is not None:
        end = _PEM_END.search(text, begin.end())
        # A block cut short (a truncated log, a half-pasted key) is removed to the end rather than leaked.
        position = end.end() if end is not None else len(text)
        yield begin.start(), position, rank, "private-key"
