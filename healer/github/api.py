"""A small client for GitHub's REST API: JSON in and out, pagination, redirects, and one-line errors.

urllib rather than a third-party client: healer asks a handful of endpoints,
and urllib's redirect handler is replaced because it would forward the token
to wherever GitHub redirects (log downloads go to blob storage on another host).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from healer import __version__
from healer.errors import HealerError

DEFAULT_API = "https://api.github.com"
PAGE_SIZE = 100
MAX_REDIRECTS = 5


class GitHubError(HealerError):
    """GitHub refused or could not be reached; `status` is the HTTP status (0: no answer)."""

    def __init__(self, message: str, *, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8")) if self.body else None
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise GitHubError(f"GitHub answered {self.status} with a body that is not JSON") from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the client follows redirects itself, deciding which headers go along


def _rate_limit_reset(headers: Mapping[str, str]) -> str:
    reset = headers.get("x-ratelimit-reset", "")
    if reset.isdigit():
        return time.strftime("%H:%M", time.localtime(int(reset)))
    return "later"


def explain(status: int, what: str, headers: Mapping[str, str], body: bytes, *, method: str = "GET") -> str:
    """One line for a refused request; never the token, at most GitHub's own short message."""
    try:
        message = str(json.loads(body.decode("utf-8")).get("message", ""))[:200]
    except (UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        message = ""
    detail = f" ({message})" if message else ""
    if status == 401:
        return f"GitHub refused the token for {what}{detail}: check GITHUB_TOKEN, GH_TOKEN or `gh auth login`"
    if status in (403, 429) and (headers.get("x-ratelimit-remaining") == "0" or "rate limit" in message.lower()):
        return f"GitHub's API rate limit is used up; it resets at {_rate_limit_reset(headers)} (asked for {what})"
    if status == 403:
        scopes = headers.get("x-accepted-github-permissions") or headers.get("x-accepted-oauth-scopes")
        need = f"; it needs {scopes}" if scopes else ""
        verb = "read" if method in ("GET", "HEAD") else "write"
        return f"the token may not {verb} {what}{detail}{need}"
    if status == 404:
        return f"GitHub has no {what} (or the token cannot see it){detail}"
    if status == 410:
        return f"GitHub no longer has {what}{detail}: logs expire after the repository's retention period"
    if status == 422:
        return f"GitHub did not accept {what}{detail}"
    return f"GitHub answered {status} for {what}{detail}"


@dataclass
class GitHub:
    """One API endpoint (github.com's or an Enterprise server's) with one token (or none)."""

    token: str | None = field(repr=False)
    api_url: str = DEFAULT_API
    timeout: float = 30.0

    def __post_init__(self) -> None:
        self.api_url = self.api_url.rstrip("/")
        self._opener = urllib.request.build_opener(_NoRedirect)
        self._host = urllib.parse.urlsplit(self.api_url).netloc

    def url(self, path: str, params: Mapping[str, object] | None = None) -> str:
        base = path if path.startswith(("http://", "https://")) else f"{self.api_url}/{path.lstrip('/')}"
        if params:
            base += ("&" if "?" in base else "?") + urllib.parse.urlencode({k: str(v) for k, v in params.items()})
        return base

    def request(
        self, method: str, path: str, *, what: str, params: Mapping[str, object] | None = None, body: object = None
    ) -> Response:
        """One request, redirects followed (the token only to the API's own host); raises GitHubError."""
        url = self.url(path, params)
        data = None if body is None else json.dumps(body).encode("utf-8")
        for _ in range(MAX_REDIRECTS + 1):
            headers = {
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": f"healer/{__version__}",
            }
            if self.token and urllib.parse.urlsplit(url).netloc == self._host:
                headers["Authorization"] = f"Bearer {self.token}"
            if data is not None:
                headers["Content-Type"] = "application/json"
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with self._opener.open(request, timeout=self.timeout) as answer:
                    return Response(answer.status, _lower(answer.headers), answer.read())
            except urllib.error.HTTPError as error:
                status, answer_headers, content = error.code, _lower(error.headers), error.read()
                error.close()
                if status in (301, 302, 303, 307, 308) and answer_headers.get("location"):
                    url = urllib.parse.urljoin(url, answer_headers["location"])
                    if status == 303:
                        method, data = "GET", None
                    continue
                raise GitHubError(
                    explain(status, what, answer_headers, content, method=method), status=status
                ) from None
            except (urllib.error.URLError, OSError, TimeoutError) as error:
                reason = getattr(error, "reason", error)
                raise GitHubError(f"cannot reach {self._host or self.api_url} for {what}: {reason}") from None
        raise GitHubError(f"GitHub redirected {what} more than {MAX_REDIRECTS} times")

    def get(self, path: str, *, what: str, params: Mapping[str, object] | None = None) -> Any:
        return self.request("GET", path, what=what, params=params).json()

    def get_bytes(self, path: str, *, what: str) -> bytes:
        return self.request("GET", path, what=what).body

    def post(self, path: str, body: object, *, what: str) -> Any:
        return self.request("POST", path, what=what, body=body).json()

    def patch(self, path: str, body: object, *, what: str) -> Any:
        return self.request("PATCH", path, what=what, body=body).json()

    def pages(
        self,
        path: str,
        *,
        what: str,
        key: str | None = None,
        params: Mapping[str, object] | None = None,
        limit: int = 1000,
    ) -> Iterator[Any]:
        """Every item of a listed resource, page by page (`key`: the list's name in an object page)."""
        url: str | None = self.url(path, {"per_page": PAGE_SIZE, **(params or {})})
        seen = 0
        while url and seen < limit:
            answer = self.request("GET", url, what=what)
            document = answer.json()
            items = document.get(key, []) if key and isinstance(document, dict) else document
            if not isinstance(items, list):
                raise GitHubError(f"GitHub's answer for {what} holds no list")
            for item in items:
                seen += 1
                yield item
                if seen >= limit:
                    return
            url = _next_link(answer.headers.get("link", ""))


def _lower(headers: Any) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in (headers.items() if headers else ())}


def _next_link(link: str) -> str | None:
    for part in link.split(","):
        pieces = part.split(";")
        if len(pieces) >= 2 and any(p.strip() == 'rel="next"' for p in pieces[1:]):
            return pieces[0].strip().strip("<>")
    return None
