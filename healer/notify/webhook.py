"""A webhook: Slack-compatible JSON (`text` and `blocks`, which Slack, Mattermost, Rocket.Chat and Discord's
/slack endpoint read), or healer's own JSON body for anything else. Failures are one note, never an exception."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from healer import __version__
from healer.notify.message import Delivery, Message

SECTION_LIMIT = 3000
"""Characters Slack accepts in one section block's text."""
MARK = {"red": ":red_circle:", "green": ":large_green_circle:"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirected POST would arrive as a GET without its body: the answer is wrong, not something to follow.
    def redirect_request(self, *_: Any) -> None:
        return None


def _escape(text: str) -> str:
    """Slack's mrkdwn treats <, > and & as markup: a diagnostic quoting `a < b` must stay text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(message: Message) -> dict[str, Any]:
    lines = [f"{MARK[message.level]} *{_escape(message.title)}*"]
    if message.body:
        lines.append(_escape(message.body))
    if message.url:
        lines.append(f"<{message.url}|details>")
    text = "\n".join(lines)
    section = text if len(text) <= SECTION_LIMIT else text[: SECTION_LIMIT - 1] + "…"
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": section}}]}


def json_body(message: Message) -> dict[str, Any]:
    return {
        "source": "healer",
        "title": message.title,
        "body": message.body,
        "level": message.level,
        "status": "failed" if message.level == "red" else "passed",
        "fingerprints": list(message.fingerprints),
        "url": message.url,
        "text": message.text(),
    }


class Webhook:
    name = "webhook"

    def __init__(self, url: str, *, format: str = "slack", timeout: float = 10.0) -> None:
        self.url = url
        self.format = format
        self.timeout = timeout
        # The URL (a Slack webhook's holds its token) never appears in a note: only its host does.
        self.host = urllib.parse.urlsplit(url).hostname or "the webhook"

    def body(self, message: Message) -> bytes:
        data = slack_body(message) if self.format == "slack" else json_body(message)
        return json.dumps(data).encode("utf-8")

    def deliver(self, message: Message) -> Delivery:
        request = urllib.request.Request(
            self.url,
            data=self.body(message),
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": f"healer/{__version__}"},
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=self.timeout) as answer:
                answer.read()
                status = answer.status
        except urllib.error.HTTPError as error:
            error.close()
            return self._failed(f"{self.host} answered HTTP {error.code}")
        except urllib.error.URLError as error:
            reason = error.reason
            said = getattr(reason, "strerror", None) or str(reason)
            return self._failed(f"cannot reach {self.host}: {said}")
        except TimeoutError:
            return self._failed(f"{self.host} did not answer in {self.timeout:g} s")
        except ValueError:
            return self._failed("the URL is not one urllib can post to")  # its text could hold the token: unsaid
        except (OSError, http.client.HTTPException) as error:
            return self._failed(f"{self.host}: {type(error).__name__}: {error}".rstrip(": "))
        if not 200 <= status < 300:
            return self._failed(f"{self.host} answered HTTP {status}")
        return Delivery(self.name, True, f"webhook: sent to {self.host}")

    def _failed(self, why: str) -> Delivery:
        return Delivery(self.name, False, f"webhook: not sent: {why}")
