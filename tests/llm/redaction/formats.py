"""Token formats of many providers, each with a generator of realistic random values, from public documentation.

Every format is written from what its provider documents (or shows in its own
examples): the prefix, the alphabet and the length of the body. No fixture or
rule of another secret scanner was used. Values are generated from a seed at
run time, never stored, so this file holds nothing a scanner would flag; the
same seed gives the same values.

A template is literal text with random parts in braces: `{hex:32}` is 32
lowercase hexadecimal characters, `{b62:36}` base62, `{b64:40}` base64,
`{b64u:43}` base64url, `{B32:16}` upper-case base32, `{a36:24}` lower-case
letters and digits, `{A36:26}` upper-case, `{d:10}` digits, `{low:8}` lower-case
letters, `{uuid}` a random UUID. Each random part of 8 characters or more is
`private`: none of them may reach a model.

`distinctive` formats can be told from ordinary text by their shape alone; the
others (a bare UUID, 32 hex characters) are secrets only because of where they
are written, so the corpus places them only where a name says so.
"""

from __future__ import annotations

import base64
import json
import random
import re
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass

B62 = string.ascii_letters + string.digits
ALPHABETS = {
    "hex": "0123456789abcdef",
    "HEX": "0123456789ABCDEF",
    "b62": B62,
    "b64": B62 + "+/",
    "b64u": B62 + "-_",
    "B32": string.ascii_uppercase + "234567",
    "b32l": string.ascii_lowercase + "234567",
    "a36": string.ascii_lowercase + string.digits,
    "A36": string.ascii_uppercase + string.digits,
    "d": string.digits,
    "low": string.ascii_lowercase,
    "bech": "023456789ACDEFGHJKLMNPQRSTUVWXYZ",
}
_PART = re.compile(r"\{(\w+)(?::(\d+))?\}")

SECRET_WORDS = frozenset(("KEY", "TOKEN", "SECRET", "PASSWORD", "PASSPHRASE", "AUTHTOKEN", "AUTHKEY", "CREDENTIALS"))
Generated = tuple[str, tuple[str, ...]]
"""A secret as it would be pasted, and its random parts."""


@dataclass(frozen=True)
class Format:
    name: str
    provider: str
    family: str
    """cloud, vcs, ci, chat, payment, email, monitoring, registry, ai, database, saas, crypto, generic."""
    make: Callable[[random.Random], Generated]
    env: str
    """The name a project gives it in its configuration (`SHIPPO_API_TOKEN`)."""
    distinctive: bool = True

    @property
    def named_secret(self) -> bool:
        """Whether its usual variable says it is secret (`..._TOKEN`); `AWS_ACCESS_KEY_ID`, `SENTRY_DSN` do not."""
        return self.env.rsplit("_", 1)[-1] in SECRET_WORDS

    def value(self, seed: int | str) -> Generated:
        return self.make(random.Random(f"{seed}:{self.name}"))


def chars(rng: random.Random, alphabet: str, size: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(size))


def template(text: str) -> Callable[[random.Random], Generated]:
    def make(rng: random.Random) -> Generated:
        parts: list[str] = []

        def fill(match: re.Match[str]) -> str:
            kind, size = match.group(1), int(match.group(2) or 0)
            if kind == "uuid":
                value = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            elif kind == "d":
                value = str(rng.randint(1, 9)) + chars(rng, ALPHABETS["d"], size - 1)
            else:
                value = chars(rng, ALPHABETS[kind], size)
            if len(value) >= 8:
                parts.append(value)
            return value

        return _PART.sub(fill, text), tuple(parts)

    return make


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _jwt(prefix: str = "", claims: dict[str, object] | None = None) -> Callable[[random.Random], Generated]:
    def make(rng: random.Random) -> Generated:
        body = claims or {"sub": str(rng.randint(10**9, 10**10)), "iat": rng.randint(1_600_000_000, 1_800_000_000)}
        head = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
        payload = _b64url(json.dumps({**body, "jti": chars(rng, B62, 16)}, separators=(",", ":")).encode())
        signature = chars(rng, ALPHABETS["b64u"], 43)
        return f"{prefix}{head}.{payload}.{signature}", (payload[-20:], signature)

    return make


def _armor(label: str, rng: random.Random, head: str, size: int, headers: tuple[str, ...] = ()) -> Generated:
    body = head + chars(rng, ALPHABETS["b64"], size - len(head))
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    dashes = "-" * 5  # built from parts: this file holds no armor line a scanner would flag
    text = "\n".join([f"{dashes}BEGIN {label}{dashes}", *headers, *lines, f"{dashes}END {label}{dashes}"])
    return text, tuple(line for line in lines if len(line) >= 16)


def _pem(label: str, head: str, size: int = 900) -> Callable[[random.Random], Generated]:
    return lambda rng: _armor(label, rng, head, size)


def _encrypted_rsa(rng: random.Random) -> Generated:
    iv = chars(rng, ALPHABETS["HEX"], 32)
    return _armor("RSA PRIVATE KEY", rng, "MIIEpQ", 900, ("Proc-Type: 4,ENCRYPTED", f"DEK-Info: AES-256-CBC,{iv}", ""))


def _service_account(rng: random.Random) -> Generated:
    pem, private = _armor("PRIVATE KEY", rng, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 1600)
    project = chars(rng, ALPHABETS["low"], 8) + "-" + chars(rng, ALPHABETS["d"], 6)
    key_id = chars(rng, ALPHABETS["hex"], 40)
    document = {
        "type": "service_account",
        "project_id": project,
        "private_key_id": key_id,
        "private_key": pem + "\n",
        "client_email": f"deployer@{project}.iam.gserviceaccount.com",
        "client_id": chars(rng, ALPHABETS["d"], 21),
        "token_uri": "https://oauth2.googleapis.com/token",
    }
    return json.dumps(document, indent=2), private


def _pypi(rng: random.Random) -> Generated:
    # A PyPI token is a macaroon: base64 of a binary blob that starts by naming pypi.org.
    body = _b64url(b"\x02\x01\x08pypi.org\x02\x25\x08" + rng.randbytes(140))
    return "pypi-" + body, (body[24:],)


def _basic(rng: random.Random) -> Generated:
    token = base64.b64encode(f"deploy:{chars(rng, B62, 18)}".encode()).decode()
    return "Basic " + token, (token.rstrip("="),)


def _discord_bot(rng: random.Random) -> Generated:
    user = base64.b64encode(str(rng.randint(10**17, 10**18)).encode()).decode().rstrip("=")
    rest = chars(rng, ALPHABETS["b64u"], 6) + "." + chars(rng, ALPHABETS["b64u"], 38)
    return f"{user}.{rest}", (rest,)


def _grafana_key(rng: random.Random) -> Generated:
    # Grafana's older API keys are base64 of a small JSON document holding the key.
    key = chars(rng, B62, 32)
    raw = json.dumps({"k": key, "n": "deploy", "id": rng.randint(1, 99)}, separators=(",", ":")).encode()
    value = base64.b64encode(raw).decode()
    return value, (value[4:36], value[36:])


def _jfrog_identity(rng: random.Random) -> Generated:
    body = chars(rng, B62, 64)
    return "cmVmdGtuOjAxOj" + body, (body,)


def _azure_connection(rng: random.Random) -> Generated:
    key = chars(rng, ALPHABETS["b64"], 86) + "=="
    account = chars(rng, ALPHABETS["low"], 12)
    text = f"DefaultEndpointsProtocol=https;AccountName={account};AccountKey={key};EndpointSuffix=core.windows.net"
    return text, (key.rstrip("="),)


def _azure_sas(rng: random.Random) -> Generated:
    from urllib.parse import quote

    sig = quote(base64.b64encode(rng.randbytes(32)).decode(), safe="")
    account = chars(rng, ALPHABETS["low"], 10)
    url = (
        f"https://{account}.blob.core.windows.net/backups/db.tar.gz?sv=2022-11-02&ss=b&srt=o&sp=r"
        f"&se=2030-01-01T00:00:00Z&spr=https&sig={sig}"
    )
    return url, (sig,)


def _t(text: str) -> Callable[[random.Random], Generated]:
    return template(text)


def _f(name: str, provider: str, family: str, make: str | Callable[[random.Random], Generated], env: str,
       distinctive: bool = True) -> Format:  # fmt: skip
    return Format(name, provider, family, _t(make) if isinstance(make, str) else make, env, distinctive)


FORMATS: tuple[Format, ...] = (
    # cloud
    _f("aws-access-key-id", "AWS", "cloud", "AKIA{A36:16}", "AWS_ACCESS_KEY_ID"),
    _f("aws-temporary-access-key-id", "AWS", "cloud", "ASIA{A36:16}", "AWS_ACCESS_KEY_ID"),
    _f("aws-secret-access-key", "AWS", "cloud", "{b64:40}", "AWS_SECRET_ACCESS_KEY"),
    _f("aws-session-token", "AWS", "cloud", "IQoJb3JpZ2luX2VjE{b64:320}=", "AWS_SESSION_TOKEN"),
    _f("aws-session-token-legacy", "AWS", "cloud", "FwoGZXIvYXdzE{b64:300}", "AWS_SESSION_TOKEN"),
    _f("gcp-api-key", "Google Cloud", "cloud", "AIza{b64u:35}", "GOOGLE_API_KEY"),
    _f("gcp-oauth-client-secret", "Google Cloud", "cloud", "GOCSPX-{b64u:28}", "GOOGLE_CLIENT_SECRET"),
    _f("gcp-oauth-access-token", "Google Cloud", "cloud", "ya29.a0{b64u:150}", "GOOGLE_ACCESS_TOKEN"),
    _f("gcp-oauth-refresh-token", "Google Cloud", "cloud", "1//0{b64u:100}", "GOOGLE_REFRESH_TOKEN"),
    _f("gcp-service-account-json", "Google Cloud", "cloud", _service_account, "GOOGLE_CREDENTIALS_JSON"),
    _f("azure-storage-connection-string", "Azure", "cloud", _azure_connection, "AZURE_STORAGE_CONNECTION_STRING"),
    _f("azure-storage-account-key", "Azure", "cloud", "{b64:86}==", "AZURE_STORAGE_KEY"),
    _f("azure-sas-url", "Azure", "cloud", _azure_sas, "AZURE_BLOB_SAS_URL"),
    _f("azure-ad-client-secret", "Azure", "cloud", "{b62:3}8Q~{b64u:34}", "AZURE_CLIENT_SECRET"),
    _f("azure-devops-pat", "Azure DevOps", "cloud", "{b32l:52}", "AZURE_DEVOPS_TOKEN", False),
    _f("azure-cosmos-key", "Azure", "cloud", "{b62:86}==", "COSMOS_DB_KEY"),
    _f("digitalocean-pat", "DigitalOcean", "cloud", "dop_v1_{hex:64}", "DIGITALOCEAN_TOKEN"),
    _f("digitalocean-oauth", "DigitalOcean", "cloud", "doo_v1_{hex:64}", "DIGITALOCEAN_ACCESS_TOKEN"),
    _f("digitalocean-refresh", "DigitalOcean", "cloud", "dor_v1_{hex:64}", "DIGITALOCEAN_REFRESH_TOKEN"),
    _f("digitalocean-spaces-key", "DigitalOcean", "cloud", "DO00{A36:16}", "SPACES_ACCESS_KEY_ID"),
    _f("alibaba-access-key-id", "Alibaba Cloud", "cloud", "LTAI{b62:20}", "ALIBABA_CLOUD_ACCESS_KEY_ID"),
    _f("alibaba-access-key-secret", "Alibaba Cloud", "cloud", "{b62:30}", "ALIBABA_CLOUD_ACCESS_KEY_SECRET"),
    _f("ibm-cloud-api-key", "IBM Cloud", "cloud", "{b64u:44}", "IBMCLOUD_API_KEY"),
    _f("heroku-api-key", "Heroku", "cloud", "{uuid}", "HEROKU_API_KEY", False),
    _f("heroku-platform-token", "Heroku", "cloud", "HRKU-AA{b64u:58}", "HEROKU_API_KEY"),
    _f("fly-macaroon", "Fly.io", "cloud", "fm2_{b64:180}", "FLY_API_TOKEN"),
    _f("vercel-token", "Vercel", "cloud", "{b62:24}", "VERCEL_TOKEN", False),
    _f("netlify-pat", "Netlify", "cloud", "nfp_{b62:36}", "NETLIFY_AUTH_TOKEN"),
    _f("cloudflare-api-token", "Cloudflare", "cloud", "{b64u:40}", "CLOUDFLARE_API_TOKEN"),
    _f("cloudflare-global-api-key", "Cloudflare", "cloud", "{hex:37}", "CLOUDFLARE_API_KEY", False),
    _f("cloudflare-origin-ca-key", "Cloudflare", "cloud", "v1.0-{hex:24}-{hex:146}", "CF_ORIGIN_CA_KEY"),
    _f("vault-service-token", "HashiCorp Vault", "cloud", "hvs.{b64u:90}", "VAULT_TOKEN"),
    _f("vault-batch-token", "HashiCorp Vault", "cloud", "hvb.{b64u:130}", "VAULT_TOKEN"),
    _f("terraform-cloud-token", "HashiCorp", "cloud", "{b62:14}.atlasv1.{b64u:67}", "TFE_TOKEN"),
    _f("doppler-personal-token", "Doppler", "cloud", "dp.pt.{b62:43}", "DOPPLER_TOKEN"),
    _f("doppler-service-token", "Doppler", "cloud", "dp.st.prd.{b62:43}", "DOPPLER_TOKEN"),
    _f("doppler-service-account", "Doppler", "cloud", "dp.sa.{b62:43}", "DOPPLER_TOKEN"),
    _f("doppler-cli-token", "Doppler", "cloud", "dp.ct.{b62:43}", "DOPPLER_TOKEN"),
    _f("pulumi-access-token", "Pulumi", "cloud", "pul-{hex:40}", "PULUMI_ACCESS_TOKEN"),
    _f("linode-token", "Akamai Linode", "cloud", "{hex:64}", "LINODE_TOKEN", False),
    _f("scaleway-access-key", "Scaleway", "cloud", "SCW{A36:17}", "SCW_ACCESS_KEY"),
    _f("scaleway-secret-key", "Scaleway", "cloud", "{uuid}", "SCW_SECRET_KEY", False),
    _f("render-api-key", "Render", "cloud", "rnd_{b62:32}", "RENDER_API_KEY"),
    _f("railway-token", "Railway", "cloud", "{uuid}", "RAILWAY_TOKEN", False),
    _f("hetzner-token", "Hetzner", "cloud", "{b62:64}", "HCLOUD_TOKEN"),
    _f("tailscale-auth-key", "Tailscale", "cloud", "tskey-auth-{b62:17}-{b62:33}", "TS_AUTHKEY"),
    _f("tailscale-api-key", "Tailscale", "cloud", "tskey-api-{b62:17}-{b62:33}", "TAILSCALE_API_KEY"),
    _f("ngrok-authtoken", "ngrok", "cloud", "2{b62:26}_{b62:21}", "NGROK_AUTHTOKEN"),
    _f("infracost-api-key", "Infracost", "cloud", "ico-{b62:32}", "INFRACOST_API_KEY"),
    _f("yandex-api-key", "Yandex Cloud", "cloud", "AQVN{b64u:35}", "YC_API_KEY"),
    _f("yandex-iam-token", "Yandex Cloud", "cloud", "t1.{b64u:80}.{b64u:86}", "YC_IAM_TOKEN"),
    _f("onepassword-service-account", "1Password", "cloud", _jwt("ops_"), "OP_SERVICE_ACCOUNT_TOKEN"),
    _f("bitwarden-access-token", "Bitwarden", "cloud", "0.{uuid}.{b62:30}:{b64:22}==", "BWS_ACCESS_TOKEN"),
    # version control
    _f("github-classic-pat", "GitHub", "vcs", "ghp_{b62:36}", "GITHUB_TOKEN"),
    _f("github-oauth", "GitHub", "vcs", "gho_{b62:36}", "GITHUB_OAUTH_TOKEN"),
    _f("github-user-to-server", "GitHub", "vcs", "ghu_{b62:36}", "GITHUB_USER_TOKEN"),
    _f("github-server-to-server", "GitHub", "vcs", "ghs_{b62:36}", "GITHUB_APP_TOKEN"),
    _f("github-refresh", "GitHub", "vcs", "ghr_{b62:76}", "GITHUB_REFRESH_TOKEN"),
    _f("github-fine-grained-pat", "GitHub", "vcs", "github_pat_{b62:22}_{b62:59}", "GH_TOKEN"),
    _f("gitlab-pat", "GitLab", "vcs", "glpat-{b64u:20}", "GITLAB_TOKEN"),
    _f("gitlab-pat-routable", "GitLab", "vcs", "glpat-{b64u:27}.01.{a36:9}", "GITLAB_TOKEN"),
    _f("gitlab-deploy-token", "GitLab", "vcs", "gldt-{b64u:20}", "GITLAB_DEPLOY_TOKEN"),
    _f("gitlab-runner-token", "GitLab", "vcs", "glrt-{b64u:20}", "RUNNER_TOKEN"),
    _f("gitlab-pipeline-trigger", "GitLab", "vcs", "glptt-{hex:40}", "GITLAB_TRIGGER_TOKEN"),
    _f("gitlab-ci-build-token", "GitLab", "vcs", "glcbt-{hex:2}_{b64u:20}", "CI_JOB_TOKEN"),
    _f("gitlab-incoming-mail", "GitLab", "vcs", "glimt-{a36:25}", "GITLAB_INCOMING_EMAIL_TOKEN"),
    _f("gitlab-scim", "GitLab", "vcs", "glsoat-{b64u:20}", "GITLAB_SCIM_TOKEN"),
    _f("gitlab-oauth-secret", "GitLab", "vcs", "gloas-{hex:64}", "GITLAB_OAUTH_SECRET"),
    _f("gitlab-feed-token", "GitLab", "vcs", "glft-{b64u:20}", "GITLAB_FEED_TOKEN"),
    _f("gitlab-agent-token", "GitLab", "vcs", "glagent-{b64u:50}", "GITLAB_AGENT_TOKEN"),
    _f("gitlab-runner-registration", "GitLab", "vcs", "GR1348941{b64u:20}", "RUNNER_REGISTRATION_TOKEN"),
    _f("bitbucket-app-password", "Bitbucket", "vcs", "ATBB{b62:32}{HEX:8}", "BITBUCKET_APP_PASSWORD"),
    _f("bitbucket-access-token", "Bitbucket", "vcs", "ATCTT3xFfGN0{b64u:180}={HEX:8}", "BITBUCKET_ACCESS_TOKEN"),
    _f("atlassian-api-token", "Atlassian", "vcs", "ATATT3xFfGF0{b64u:180}={HEX:8}", "JIRA_API_TOKEN"),
    _f("sourcegraph-token", "Sourcegraph", "vcs", "sgp_{hex:40}", "SRC_ACCESS_TOKEN"),
    _f("sourcegraph-local-token", "Sourcegraph", "vcs", "sgp_local_{hex:40}", "SRC_ACCESS_TOKEN"),
    _f("sourcegraph-instance-token", "Sourcegraph", "vcs", "sgp_{hex:16}_{hex:40}", "SRC_ACCESS_TOKEN"),
    _f("gitea-token", "Gitea", "vcs", "{hex:40}", "GITEA_TOKEN", False),
    # continuous integration
    _f("circleci-pat", "CircleCI", "ci", "CCIPAT_{b62:22}_{hex:40}", "CIRCLECI_TOKEN"),
    _f("circleci-project-token", "CircleCI", "ci", "CCIPRJ_{b62:22}_{hex:40}", "CIRCLE_TOKEN"),
    _f("buildkite-token", "Buildkite", "ci", "bkua_{hex:40}", "BUILDKITE_API_TOKEN"),
    _f("buildkite-agent-token", "Buildkite", "ci", "bkct_{b62:40}", "BUILDKITE_AGENT_TOKEN"),
    _f("travis-token", "Travis CI", "ci", "{b62:22}", "TRAVIS_TOKEN", False),
    _f("jenkins-api-token", "Jenkins", "ci", "11{hex:32}", "JENKINS_API_TOKEN", False),
    _f("sonarqube-user-token", "SonarQube", "ci", "squ_{hex:40}", "SONAR_TOKEN"),
    _f("sonarqube-project-token", "SonarQube", "ci", "sqp_{hex:40}", "SONAR_TOKEN"),
    _f("sonarqube-global-token", "SonarQube", "ci", "sqa_{hex:40}", "SONAR_TOKEN"),
    _f("sonarcloud-token", "SonarCloud", "ci", "{hex:40}", "SONAR_TOKEN", False),
    _f("codecov-token", "Codecov", "ci", "{uuid}", "CODECOV_TOKEN", False),
    _f("snyk-token", "Snyk", "ci", "{uuid}", "SNYK_TOKEN", False),
    _f("harness-pat", "Harness", "ci", "pat.{b62:22}.{hex:24}.{b62:20}", "HARNESS_API_KEY"),
    _f("octopus-api-key", "Octopus Deploy", "ci", "API-{A36:26}", "OCTOPUS_API_KEY"),
    _f("jfrog-api-key", "JFrog", "ci", "AKCp{b62:69}", "ARTIFACTORY_API_KEY"),
    _f("jfrog-identity-token", "JFrog", "ci", _jfrog_identity, "JFROG_ACCESS_TOKEN"),
    _f("postman-api-key", "Postman", "ci", "PMAK-{hex:24}-{hex:34}", "POSTMAN_API_KEY"),
    _f("cypress-record-key", "Cypress", "ci", "{uuid}", "CYPRESS_RECORD_KEY", False),
    _f("prefect-api-key", "Prefect", "ci", "pnu_{b62:36}", "PREFECT_API_KEY"),
    # chat
    _f("slack-bot-token", "Slack", "chat", "xoxb-{d:11}-{d:13}-{b62:24}", "SLACK_BOT_TOKEN"),
    _f("slack-user-token", "Slack", "chat", "xoxp-{d:11}-{d:11}-{d:13}-{hex:32}", "SLACK_USER_TOKEN"),
    _f("slack-workspace-token", "Slack", "chat", "xoxa-2-{d:11}-{d:12}-{d:13}-{hex:64}", "SLACK_TOKEN"),
    _f("slack-refresh-token", "Slack", "chat", "xoxe-1-{b62:12}-{d:13}-{hex:64}", "SLACK_REFRESH_TOKEN"),
    _f("slack-rotating-token", "Slack", "chat", "xoxe.xoxp-1-{b62:160}", "SLACK_TOKEN"),
    _f("slack-app-token", "Slack", "chat", "xapp-1-A{A36:10}-{d:13}-{hex:64}", "SLACK_APP_TOKEN"),
    _f("slack-config-token", "Slack", "chat", "xoxe.xoxp-1-Mi0y{b62:150}", "SLACK_CONFIG_TOKEN"),
    _f("slack-webhook", "Slack", "chat", "https://hooks.slack.com/services/T{A36:8}/B{A36:10}/{b62:24}",
       "SLACK_WEBHOOK_URL"),
    _f("slack-workflow-webhook", "Slack", "chat",
       "https://hooks.slack.com/triggers/T{A36:8}/{d:13}/{hex:32}", "SLACK_WEBHOOK_URL"),
    _f("discord-bot-token", "Discord", "chat", _discord_bot, "DISCORD_BOT_TOKEN"),
    _f("discord-webhook", "Discord", "chat", "https://discord.com/api/webhooks/{d:19}/{b64u:68}",
       "DISCORD_WEBHOOK_URL"),
    _f("discord-client-secret", "Discord", "chat", "{b64u:32}", "DISCORD_CLIENT_SECRET"),
    _f("telegram-bot-token", "Telegram", "chat", "{d:10}:AA{b64u:33}", "TELEGRAM_BOT_TOKEN"),
    _f("teams-webhook", "Microsoft Teams", "chat",
       "https://contoso.webhook.office.com/webhookb2/{uuid}@{uuid}/IncomingWebhook/{hex:32}/{uuid}",
       "TEAMS_WEBHOOK_URL"),
    _f("mattermost-token", "Mattermost", "chat", "{a36:26}", "MATTERMOST_TOKEN", False),
    _f("intercom-token", "Intercom", "chat", "dG9rOj{b64:54}=", "INTERCOM_ACCESS_TOKEN"),
    _f("twitter-bearer-token", "X (Twitter)", "chat", "AAAAAAAAAAAAAAAAAAAAA{b62:28}%3D{b62:50}",
       "TWITTER_BEARER_TOKEN"),
    _f("facebook-access-token", "Meta", "chat", "EAAG{b62:180}", "FACEBOOK_ACCESS_TOKEN"),
    _f("zapier-webhook", "Zapier", "chat", "https://hooks.zapier.com/hooks/catch/{d:7}/{a36:7}/",
       "ZAPIER_WEBHOOK_URL"),
    _f("ably-api-key", "Ably", "chat", "{b62:6}.{b62:6}:{b64u:43}", "ABLY_API_KEY"),
    _f("pusher-secret", "Pusher", "chat", "{hex:20}", "PUSHER_SECRET", False),
    # payment
    _f("stripe-live-secret", "Stripe", "payment", "sk_live_51{b62:97}", "STRIPE_SECRET_KEY"),
    _f("stripe-test-secret", "Stripe", "payment", "sk_test_51{b62:97}", "STRIPE_SECRET_KEY"),
    _f("stripe-live-restricted", "Stripe", "payment", "rk_live_51{b62:97}", "STRIPE_RESTRICTED_KEY"),
    _f("stripe-test-restricted", "Stripe", "payment", "rk_test_51{b62:97}", "STRIPE_RESTRICTED_KEY"),
    _f("stripe-webhook-secret", "Stripe", "payment", "whsec_{b62:32}", "STRIPE_WEBHOOK_SECRET"),
    _f("square-access-token", "Square", "payment", "EAAA{b64u:60}", "SQUARE_ACCESS_TOKEN"),
    _f("square-legacy-token", "Square", "payment", "sq0atp-{b64u:22}", "SQUARE_ACCESS_TOKEN"),
    _f("square-oauth-secret", "Square", "payment", "sq0csp-{b64u:43}", "SQUARE_APPLICATION_SECRET"),
    _f("braintree-access-token", "PayPal Braintree", "payment", "access_token$production${a36:16}${hex:32}",
       "BRAINTREE_ACCESS_TOKEN"),
    _f("braintree-private-key", "PayPal Braintree", "payment", "{hex:32}", "BRAINTREE_PRIVATE_KEY", False),
    _f("paypal-client-secret", "PayPal", "payment", "E{b64u:79}", "PAYPAL_CLIENT_SECRET"),
    _f("shippo-live-token", "Shippo", "payment", "shippo_live_{hex:40}", "SHIPPO_API_TOKEN"),
    _f("shippo-test-token", "Shippo", "payment", "shippo_test_{hex:40}", "SHIPPO_API_TOKEN"),
    _f("razorpay-live-key", "Razorpay", "payment", "rzp_live_{b62:14}", "RAZORPAY_KEY_ID"),
    _f("razorpay-secret", "Razorpay", "payment", "{b62:24}", "RAZORPAY_KEY_SECRET", False),
    _f("flutterwave-secret", "Flutterwave", "payment", "FLWSECK-{hex:32}-X", "FLW_SECRET_KEY"),
    _f("flutterwave-test-secret", "Flutterwave", "payment", "FLWSECK_TEST-{hex:32}-X", "FLW_SECRET_KEY"),
    _f("paystack-secret", "Paystack", "payment", "sk_live_{hex:40}", "PAYSTACK_SECRET_KEY"),
    _f("plaid-access-token", "Plaid", "payment", "access-production-{uuid}", "PLAID_ACCESS_TOKEN"),
    _f("plaid-secret", "Plaid", "payment", "{hex:30}", "PLAID_SECRET", False),
    _f("gocardless-token", "GoCardless", "payment", "live_{b64u:40}", "GOCARDLESS_ACCESS_TOKEN"),
    _f("duffel-live-token", "Duffel", "payment", "duffel_live_{b64u:43}", "DUFFEL_ACCESS_TOKEN"),
    _f("easypost-api-key", "EasyPost", "payment", "EZAK{hex:54}", "EASYPOST_API_KEY"),
    _f("easypost-test-key", "EasyPost", "payment", "EZTK{hex:54}", "EASYPOST_API_KEY"),
    _f("adyen-api-key", "Adyen", "payment", "AQE{b62:6}+{b64:120}", "ADYEN_API_KEY"),
    _f("coinbase-api-secret", "Coinbase", "payment", "{b62:32}", "COINBASE_API_SECRET", False),
    _f("woocommerce-consumer-secret", "WooCommerce", "payment", "cs_{hex:40}", "WC_CONSUMER_SECRET"),
    # email
    _f("sendgrid-api-key", "SendGrid", "email", "SG.{b64u:22}.{b64u:43}", "SENDGRID_API_KEY"),
    _f("mailgun-api-key", "Mailgun", "email", "key-{hex:32}", "MAILGUN_API_KEY"),
    _f("mailgun-api-key-new", "Mailgun", "email", "{hex:32}-{hex:8}-{hex:8}", "MAILGUN_API_KEY", False),
    _f("mailchimp-api-key", "Mailchimp", "email", "{hex:32}-us{d:2}", "MAILCHIMP_API_KEY"),
    _f("mandrill-api-key", "Mailchimp Transactional", "email", "md-{b64u:22}", "MANDRILL_API_KEY"),
    _f("postmark-server-token", "Postmark", "email", "{uuid}", "POSTMARK_SERVER_TOKEN", False),
    _f("brevo-api-key", "Brevo", "email", "xkeysib-{hex:64}-{b62:16}", "BREVO_API_KEY"),
    _f("brevo-smtp-key", "Brevo", "email", "xsmtpsib-{hex:64}-{b62:16}", "BREVO_SMTP_KEY"),
    _f("resend-api-key", "Resend", "email", "re_{b62:8}_{b62:24}", "RESEND_API_KEY"),
    _f("mailersend-token", "MailerSend", "email", "mlsn.{hex:64}", "MAILERSEND_API_TOKEN"),
    _f("sparkpost-api-key", "SparkPost", "email", "{hex:40}", "SPARKPOST_API_KEY", False),
    _f("mailjet-secret", "Mailjet", "email", "{hex:32}", "MAILJET_SECRET_KEY", False),
    # monitoring
    _f("sentry-dsn", "Sentry", "monitoring", "https://{hex:32}@o{d:6}.ingest.sentry.io/{d:7}", "SENTRY_DSN"),
    _f("sentry-org-token", "Sentry", "monitoring", "sntrys_eyJpYXQiOjE3{b64u:120}_{b64u:43}", "SENTRY_AUTH_TOKEN"),
    _f("sentry-user-token", "Sentry", "monitoring", "sntryu_{hex:64}", "SENTRY_AUTH_TOKEN"),
    _f("datadog-api-key", "Datadog", "monitoring", "{hex:32}", "DD_API_KEY", False),
    _f("datadog-app-key", "Datadog", "monitoring", "{hex:40}", "DD_APP_KEY", False),
    _f("newrelic-user-key", "New Relic", "monitoring", "NRAK-{A36:27}", "NEW_RELIC_API_KEY"),
    _f("newrelic-insert-key", "New Relic", "monitoring", "NRII-{b64u:32}", "NEW_RELIC_INSERT_KEY"),
    _f("newrelic-browser-key", "New Relic", "monitoring", "NRJS-{hex:19}", "NEW_RELIC_BROWSER_KEY"),
    _f("newrelic-license-key", "New Relic", "monitoring", "{hex:36}NRAL", "NEW_RELIC_LICENSE_KEY"),
    _f("grafana-cloud-token", "Grafana", "monitoring", "glc_eyJvIjoi{b64:120}=", "GRAFANA_CLOUD_TOKEN"),
    _f("grafana-service-account", "Grafana", "monitoring", "glsa_{b62:32}_{hex:8}", "GRAFANA_TOKEN"),
    _f("grafana-api-key", "Grafana", "monitoring", _grafana_key, "GRAFANA_API_KEY"),
    _f("dynatrace-token", "Dynatrace", "monitoring", "dt0c01.{A36:24}.{A36:64}", "DT_API_TOKEN"),
    _f("honeycomb-key", "Honeycomb", "monitoring", "hcaik_{a36:58}", "HONEYCOMB_API_KEY"),
    _f("honeycomb-legacy-key", "Honeycomb", "monitoring", "{b62:22}", "HONEYCOMB_API_KEY", False),
    _f("splunk-hec-token", "Splunk", "monitoring", "{uuid}", "SPLUNK_HEC_TOKEN", False),
    _f("pagerduty-token", "PagerDuty", "monitoring", "u+{b64u:18}", "PAGERDUTY_TOKEN", False),
    _f("opsgenie-key", "Opsgenie", "monitoring", "{uuid}", "OPSGENIE_API_KEY", False),
    _f("rollbar-token", "Rollbar", "monitoring", "{hex:32}", "ROLLBAR_ACCESS_TOKEN", False),
    _f("bugsnag-key", "Bugsnag", "monitoring", "{hex:32}", "BUGSNAG_API_KEY", False),
    _f("axiom-token", "Axiom", "monitoring", "xaat-{uuid}", "AXIOM_TOKEN"),
    _f("axiom-pat", "Axiom", "monitoring", "xapt-{uuid}", "AXIOM_TOKEN"),
    _f("launchdarkly-sdk-key", "LaunchDarkly", "monitoring", "sdk-{uuid}", "LAUNCHDARKLY_SDK_KEY"),
    _f("launchdarkly-api-key", "LaunchDarkly", "monitoring", "api-{uuid}", "LAUNCHDARKLY_ACCESS_TOKEN"),
    _f("posthog-personal-key", "PostHog", "monitoring", "phx_{b62:43}", "POSTHOG_PERSONAL_API_KEY"),
    _f("elastic-api-key", "Elastic", "monitoring", "{b64:60}==", "ELASTIC_API_KEY"),
    # package registries
    _f("npm-token", "npm", "registry", "npm_{b62:36}", "NPM_TOKEN"),
    _f("pypi-token", "PyPI", "registry", _pypi, "PYPI_API_TOKEN"),
    _f("rubygems-key", "RubyGems", "registry", "rubygems_{hex:48}", "GEM_HOST_API_KEY"),
    _f("nuget-key", "NuGet", "registry", "oy2{a36:43}", "NUGET_API_KEY"),
    _f("docker-pat", "Docker Hub", "registry", "dckr_pat_{b64u:27}", "DOCKERHUB_TOKEN"),
    _f("docker-org-token", "Docker Hub", "registry", "dckr_oat_{b64u:32}", "DOCKERHUB_TOKEN"),
    _f("crates-io-token", "crates.io", "registry", "cio{b62:32}", "CARGO_REGISTRY_TOKEN"),
    _f("clojars-token", "Clojars", "registry", "CLOJARS_{hex:60}", "CLOJARS_DEPLOY_TOKEN"),
    _f("hex-pm-key", "Hex", "registry", "{hex:32}", "HEX_API_KEY", False),
    _f("packagecloud-token", "packagecloud", "registry", "{hex:48}", "PACKAGECLOUD_TOKEN", False),
    _f("readme-api-key", "ReadMe", "registry", "rdme_{hex:70}", "README_API_KEY"),
    # AI providers
    _f("openai-project-key", "OpenAI", "ai", "sk-proj-{b64u:74}T3BlbkFJ{b64u:74}", "OPENAI_API_KEY"),
    _f("openai-service-account", "OpenAI", "ai", "sk-svcacct-{b64u:74}T3BlbkFJ{b64u:74}", "OPENAI_API_KEY"),
    _f("openai-admin-key", "OpenAI", "ai", "sk-admin-{b64u:74}T3BlbkFJ{b64u:74}", "OPENAI_ADMIN_KEY"),
    _f("openai-legacy-key", "OpenAI", "ai", "sk-{b62:20}T3BlbkFJ{b62:20}", "OPENAI_API_KEY"),
    _f("anthropic-api-key", "Anthropic", "ai", "sk-ant-api03-{b64u:93}AA", "ANTHROPIC_API_KEY"),
    _f("anthropic-admin-key", "Anthropic", "ai", "sk-ant-admin01-{b64u:93}AA", "ANTHROPIC_ADMIN_KEY"),
    _f("anthropic-oauth-token", "Anthropic", "ai", "sk-ant-oat01-{b64u:93}AA", "CLAUDE_CODE_OAUTH_TOKEN"),
    _f("huggingface-token", "Hugging Face", "ai", "hf_{b62:34}", "HF_TOKEN"),
    _f("huggingface-org-token", "Hugging Face", "ai", "api_org_{b62:34}", "HUGGINGFACE_API_TOKEN"),
    _f("replicate-token", "Replicate", "ai", "r8_{b62:37}", "REPLICATE_API_TOKEN"),
    _f("groq-key", "Groq", "ai", "gsk_{b62:52}", "GROQ_API_KEY"),
    _f("perplexity-key", "Perplexity", "ai", "pplx-{b62:48}", "PERPLEXITY_API_KEY"),
    _f("xai-key", "xAI", "ai", "xai-{b62:80}", "XAI_API_KEY"),
    _f("openrouter-key", "OpenRouter", "ai", "sk-or-v1-{hex:64}", "OPENROUTER_API_KEY"),
    _f("deepseek-key", "DeepSeek", "ai", "sk-{hex:32}", "DEEPSEEK_API_KEY"),
    _f("gemini-key", "Google AI Studio", "ai", "AIza{b64u:35}", "GEMINI_API_KEY"),
    _f("cohere-key", "Cohere", "ai", "{b62:40}", "COHERE_API_KEY"),
    _f("mistral-key", "Mistral", "ai", "{b62:32}", "MISTRAL_API_KEY"),
    _f("together-key", "Together AI", "ai", "{hex:64}", "TOGETHER_API_KEY", False),
    _f("fireworks-key", "Fireworks AI", "ai", "fw_{b62:24}", "FIREWORKS_API_KEY"),
    _f("langsmith-pat", "LangChain", "ai", "lsv2_pt_{hex:32}_{hex:10}", "LANGSMITH_API_KEY"),
    _f("langsmith-service-key", "LangChain", "ai", "lsv2_sk_{hex:32}_{hex:10}", "LANGSMITH_API_KEY"),
    _f("pinecone-key", "Pinecone", "ai", "pcsk_{b62:5}_{b62:64}", "PINECONE_API_KEY"),
    _f("wandb-key", "Weights & Biases", "ai", "{hex:40}", "WANDB_API_KEY", False),
    _f("cerebras-key", "Cerebras", "ai", "csk-{a36:48}", "CEREBRAS_API_KEY"),
    _f("elevenlabs-key", "ElevenLabs", "ai", "sk_{hex:48}", "ELEVENLABS_API_KEY"),
    _f("tavily-key", "Tavily", "ai", "tvly-{b62:32}", "TAVILY_API_KEY"),
    _f("firecrawl-key", "Firecrawl", "ai", "fc-{hex:32}", "FIRECRAWL_API_KEY"),
    _f("langfuse-secret-key", "Langfuse", "ai", "sk-lf-{uuid}", "LANGFUSE_SECRET_KEY"),
    _f("nvidia-api-key", "NVIDIA", "ai", "nvapi-{b64u:64}", "NVIDIA_API_KEY"),
    _f("voyage-key", "Voyage AI", "ai", "pa-{b64u:43}", "VOYAGE_API_KEY"),
    _f("assemblyai-key", "AssemblyAI", "ai", "{hex:32}", "ASSEMBLYAI_API_KEY", False),
    _f("deepgram-key", "Deepgram", "ai", "{hex:40}", "DEEPGRAM_API_KEY", False),
    # databases
    _f("postgres-url", "PostgreSQL", "database", "postgresql://app:{b62:20}@db.internal:5432/orders",
       "DATABASE_URL"),
    _f("mysql-url", "MySQL", "database", "mysql://root:{b62:16}@127.0.0.1:3306/shop", "DATABASE_URL"),
    _f("mongodb-srv-uri", "MongoDB", "database",
       "mongodb+srv://admin:{b62:18}@cluster0.{a36:5}.mongodb.net/prod?retryWrites=true&w=majority", "MONGODB_URI"),
    _f("mongodb-uri", "MongoDB", "database", "mongodb://svc:{b62:16}@mongo-0:27017,mongo-1:27017/app?replicaSet=rs0",
       "MONGO_URL"),
    _f("redis-url", "Redis", "database", "redis://:{b62:24}@cache.internal:6379/0", "REDIS_URL"),
    _f("rediss-url", "Redis", "database", "rediss://default:{b62:32}@eu1-cool-cat-1234.upstash.io:6379",
       "REDIS_URL"),
    _f("amqp-url", "RabbitMQ", "database", "amqp://worker:{b62:18}@mq.internal:5672/%2f", "AMQP_URL"),
    _f("neo4j-url", "Neo4j", "database", "neo4j+s://neo4j:{b64u:43}@5f1c2a9d.databases.neo4j.io", "NEO4J_URI"),
    _f("mssql-connection-string", "SQL Server", "database",
       "Server=tcp:sql.internal,1433;Database=app;User ID=app;Password={b62:20};Encrypt=True;",
       "SQLSERVER_CONNECTION_STRING"),
    _f("jdbc-url", "JDBC", "database", "jdbc:mysql://db:3306/app?user=app&password={b62:18}&useSSL=true",
       "JDBC_URL"),
    _f("planetscale-token", "PlanetScale", "database", "pscale_tkn_{b64u:43}", "PLANETSCALE_SERVICE_TOKEN"),
    _f("planetscale-password", "PlanetScale", "database", "pscale_pw_{b64u:43}", "DATABASE_PASSWORD"),
    _f("planetscale-oauth", "PlanetScale", "database", "pscale_oauth_{b64u:43}", "PLANETSCALE_TOKEN"),
    _f("supabase-access-token", "Supabase", "database", "sbp_{hex:40}", "SUPABASE_ACCESS_TOKEN"),
    _f("supabase-secret-key", "Supabase", "database", "sb_secret_{b64u:31}", "SUPABASE_SECRET_KEY"),
    _f("supabase-service-role-jwt", "Supabase", "database",
       _jwt(claims={"iss": "supabase", "role": "service_role"}), "SUPABASE_SERVICE_ROLE_KEY"),
    _f("fauna-secret", "Fauna", "database", "fnA{b64u:37}", "FAUNA_SECRET"),
    _f("neon-api-key", "Neon", "database", "napi_{a36:60}", "NEON_API_KEY"),
    _f("turso-token", "Turso", "database", _jwt(claims={"a": "rw"}), "TURSO_AUTH_TOKEN"),
    _f("snowflake-password", "Snowflake", "database", "{b62:16}", "SNOWFLAKE_PASSWORD", False),
    _f("database-password", "generic", "database", "{b62:12}!{b62:6}", "DB_PASSWORD", False),
    # software as a service
    _f("linear-api-key", "Linear", "saas", "lin_api_{b62:40}", "LINEAR_API_KEY"),
    _f("linear-oauth-token", "Linear", "saas", "lin_oauth_{hex:64}", "LINEAR_ACCESS_TOKEN"),
    _f("figma-pat", "Figma", "saas", "figd_{b64u:40}", "FIGMA_TOKEN"),
    _f("shopify-access-token", "Shopify", "saas", "shpat_{hex:32}", "SHOPIFY_ACCESS_TOKEN"),
    _f("shopify-shared-secret", "Shopify", "saas", "shpss_{hex:32}", "SHOPIFY_API_SECRET"),
    _f("shopify-custom-app-token", "Shopify", "saas", "shpca_{hex:32}", "SHOPIFY_ACCESS_TOKEN"),
    _f("shopify-private-app-token", "Shopify", "saas", "shppa_{hex:32}", "SHOPIFY_PASSWORD"),
    _f("twilio-api-key", "Twilio", "saas", "SK{hex:32}", "TWILIO_API_KEY"),
    _f("twilio-auth-token", "Twilio", "saas", "{hex:32}", "TWILIO_AUTH_TOKEN", False),
    _f("twilio-account-sid-and-token", "Twilio", "saas", "AC{hex:32}:{hex:32}", "TWILIO_CREDENTIALS"),
    _f("notion-token", "Notion", "saas", "ntn_{d:11}{b62:35}", "NOTION_TOKEN"),
    _f("notion-legacy-token", "Notion", "saas", "secret_{b62:43}", "NOTION_API_KEY"),
    _f("airtable-pat", "Airtable", "saas", "pat{b62:14}.{hex:64}", "AIRTABLE_API_KEY"),
    _f("asana-pat", "Asana", "saas", "2/{d:16}/{d:16}:{hex:32}", "ASANA_ACCESS_TOKEN"),
    _f("clickup-token", "ClickUp", "saas", "pk_{d:8}_{A36:32}", "CLICKUP_API_TOKEN"),
    _f("dropbox-token", "Dropbox", "saas", "sl.{b64u:135}", "DROPBOX_ACCESS_TOKEN"),
    _f("mapbox-secret-token", "Mapbox", "saas", "sk.eyJ1Ijoi{b64u:50}.{b64u:22}", "MAPBOX_SECRET_TOKEN"),
    _f("contentful-token", "Contentful", "saas", "CFPAT-{b64u:43}", "CONTENTFUL_MANAGEMENT_TOKEN"),
    _f("typeform-token", "Typeform", "saas", "tfp_{b64u:44}_{b64u:14}", "TYPEFORM_TOKEN"),
    _f("hubspot-pat", "HubSpot", "saas", "pat-na1-{uuid}", "HUBSPOT_ACCESS_TOKEN"),
    _f("hubspot-eu-pat", "HubSpot", "saas", "pat-eu1-{uuid}", "HUBSPOT_ACCESS_TOKEN"),
    _f("salesforce-access-token", "Salesforce", "saas", "00D{b62:12}!{b62:20}.{b64u:60}", "SF_ACCESS_TOKEN"),
    _f("okta-api-token", "Okta", "saas", "00{b64u:40}", "OKTA_API_TOKEN"),
    _f("auth0-client-secret", "Auth0", "saas", "{b64u:64}", "AUTH0_CLIENT_SECRET"),
    _f("clerk-secret-key", "Clerk", "saas", "sk_live_{b62:40}", "CLERK_SECRET_KEY"),
    _f("algolia-admin-key", "Algolia", "saas", "{hex:32}", "ALGOLIA_ADMIN_KEY", False),
    _f("adafruit-io-key", "Adafruit", "saas", "aio_{b62:28}", "ADAFRUIT_IO_KEY"),
    _f("zendesk-token", "Zendesk", "saas", "{b62:40}", "ZENDESK_API_TOKEN"),
    _f("trello-token", "Trello", "saas", "ATTA{hex:64}{HEX:8}", "TRELLO_TOKEN"),
    _f("p8e-key", "Provenance", "saas", "p8e-{b62:64}", "P8E_API_KEY"),
    _f("instagram-token", "Meta", "saas", "IGQV{b64u:160}", "INSTAGRAM_ACCESS_TOKEN"),
    _f("mapbox-public-token", "Mapbox", "saas", "pk.eyJ1Ijoi{b64u:50}.{b64u:22}", "MAPBOX_ACCESS_TOKEN"),
    _f("sendbird-token", "Sendbird", "saas", "{hex:40}", "SENDBIRD_API_TOKEN", False),
    _f("modal-token-secret", "Modal", "saas", "as-{b62:22}", "MODAL_TOKEN_SECRET"),
    _f("discourse-api-key", "Discourse", "saas", "{hex:64}", "DISCOURSE_API_KEY", False),
    # cryptographic keys
    _f("pem-rsa", "PEM", "crypto", _pem("RSA PRIVATE KEY", "MIIEowIBAAKCAQEA"), "TLS_PRIVATE_KEY"),
    _f("pem-pkcs8", "PEM", "crypto", _pem("PRIVATE KEY", "MIIEvgIBADANBgkqhkiG9w0BAQEFAASC"), "PRIVATE_KEY"),
    _f("pem-ec", "PEM", "crypto", _pem("EC PRIVATE KEY", "MHcCAQEEI", 220), "EC_PRIVATE_KEY"),
    _f("pem-dsa", "PEM", "crypto", _pem("DSA PRIVATE KEY", "MIIBuwIBAAKBgQ"), "DSA_PRIVATE_KEY"),
    _f("pem-openssh", "OpenSSH", "crypto", _pem("OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAA", 400),
       "SSH_PRIVATE_KEY"),
    _f("pem-encrypted-pkcs8", "PEM", "crypto", _pem("ENCRYPTED PRIVATE KEY", "MIIFHDBOBgkqhkiG9w0BBQ0w"),
       "SIGNING_KEY"),
    _f("pem-encrypted-rsa", "PEM", "crypto", _encrypted_rsa, "TLS_PRIVATE_KEY"),
    _f("pgp-private-key", "OpenPGP", "crypto", _pem("PGP PRIVATE KEY BLOCK", "lQOYBG"), "GPG_PRIVATE_KEY"),
    _f("age-secret-key", "age", "crypto", "AGE-SECRET-KEY-1{bech:58}", "SOPS_AGE_KEY"),
    _f("ethereum-private-key", "Ethereum", "crypto", "0x{hex:64}", "DEPLOYER_PRIVATE_KEY", False),
    _f("jwt-generic", "JWT", "crypto", _jwt(), "SESSION_TOKEN"),
    _f("http-basic-credentials", "HTTP", "crypto", _basic, "HTTP_AUTHORIZATION"),
    _f("django-secret-key", "Django", "crypto", "django-insecure-{b62:20}$!{b62:20}", "DJANGO_SECRET_KEY"),
    _f("rails-master-key", "Rails", "crypto", "{hex:32}", "RAILS_MASTER_KEY", False),
    _f("fernet-key", "cryptography", "crypto", "{b64u:43}=", "FERNET_KEY"),
    _f("webhook-signing-secret", "generic", "generic", "whsec_{b64:32}", "WEBHOOK_SIGNING_SECRET"),
    _f("generic-password", "generic", "generic", "{b62:10}#{d:4}", "ADMIN_PASSWORD", False),
    _f("generic-passphrase", "generic", "generic", "{low:6}-{low:7}-{low:5}-{d:4}", "BACKUP_PASSPHRASE", False),
    _f("generic-api-key-b62", "generic", "generic", "{b62:40}", "SERVICE_API_KEY"),
    _f("generic-secret-b64", "generic", "generic", "{b64:44}", "APP_SECRET"),
    _f("generic-hex-secret", "generic", "generic", "{hex:64}", "HMAC_SECRET", False),
)  # fmt: skip
