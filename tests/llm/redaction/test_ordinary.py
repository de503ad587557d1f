"""Over-redaction on ordinary code: a fixed sample of real projects changes at most one line in 5,000.

The sample is the released sources bench/fixtures/real/ holds (fixed versions, offline),
plus lines of kinds that must always survive: git SHAs, UUIDs, lock-file digests, base64
test data of things that are not secret.
"""

from __future__ import annotations

import base64
import hashlib
import json
import tarfile
from pathlib import Path

import pytest

from healer.llm.redaction import redact

ARCHIVES = Path(__file__).resolve().parents[3] / "bench" / "fixtures" / "real"
PER_LINES = 5000


def archive_texts() -> list[tuple[str, str]]:
    found = []
    for archive in sorted(ARCHIVES.glob("*.tar.gz")):
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                handle = tar.extractfile(member) if member.isfile() else None
                if handle is None:
                    continue
                try:
                    found.append((member.name, handle.read().decode("utf-8")))
                except UnicodeDecodeError:
                    continue
    return found


def changed_lines(text: str) -> list[str]:
    return [line for line in redact(text).text.splitlines() if "[REDACTED:" in line]


def test_real_projects_lose_at_most_one_line_in_five_thousand() -> None:
    texts = archive_texts()
    lines = sum(text.count("\n") for _, text in texts)
    assert len(texts) > 100 and lines > 40_000
    changed = {name: found for name, text in texts if (found := changed_lines(text))}
    count = sum(map(len, changed.values()))
    assert count * PER_LINES <= lines, changed


def _digest(data: bytes, size: str = "512") -> str:
    return base64.b64encode(hashlib.new(f"sha{size}", data).digest()).decode()


ORDINARY = [
    "commit 3f786850e387550fdab836ed7e6dc881de23001b\nMerge: 1a2b3c4 5d6e7f8",
    'request_id = "123e4567-e89b-12d3-a456-426614174000"',
    f'      "integrity": "sha512-{_digest(b"left-pad")}",',
    f"  integrity: sha384-{_digest(b'react', '384')}",
    f"golang.org/x/text v0.3.7 h1:{_digest(b'text', '256')}",
    'checksum = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"',
    f'ENCODED = "{base64.b64encode(b"The quick brown fox jumps over the lazy dog").decode()}"',
    f'payload = "{base64.b64encode(json.dumps({"user": "alice", "note": "hello world", "n": [1, 2]}).encode()).decode()}"',
    f'icon = "data:image/png;base64,{base64.b64encode(bytes(range(60))).decode()}"',
    "permissions:\n  contents: read\n  id-token: write",
    "    DEFAULT_TOKEN: Final = 20210605",
    'client_credentials = "m2m-client-credentials"\nUSERNAME_PASSWORD = "profile-username-password"',
    '    ).resolve(\n        hashed_token=hashed_token\n    )',
    "Pass --token to skip the prompt; --password can't be used with --username.",
    'TOKEN_TYPE: Final = "urn:ietf:params:oauth:token-type:access_token"',
    'KINDS = ("password", "passwd", "passphrase")',
    "docker run -u 1000:1000 image",
    'version = "1.2.3"\nname = "left-pad"\nsource = { registry = "https://pypi.org/simple" }',
]  # fmt: skip


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_survives(text: str) -> None:
    assert redact(text).text == text


def test_base64_of_a_secret_is_still_removed() -> None:
    config = json.dumps({"auths": {"ghcr.io": {"auth": base64.b64encode(b"bot:hunter2hunter2").decode()}}})
    assert "[REDACTED:" in redact(f'cfg = "{base64.b64encode(config.encode()).decode()}"').text
