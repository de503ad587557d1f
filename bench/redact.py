"""Secret redaction: recall over the corpus, over-redaction on real code, and speed (at most 50 ms per 10 KiB).

Recall: every format of tests/llm/redaction/formats.py in every shape and context of
tests/llm/redaction/shapes.py (the same cases as tests/llm/redaction/test_recall.py), by shape,
by family and by context, against the target of 99%. Over-redaction: lines changed per 5,000
lines of ordinary code, against the target of at most 1: the released sources of
bench/fixtures/real/ (offline), healer's own code, and with --site-packages the installed
packages of this Python. With --detect-secrets PYTHON, the same figures for detect-secrets
(Apache-2.0) run by that interpreter, side by side.

Inputs: a realistic prompt (healer's own code, pytest and application logs, and a few
secrets from the test corpus planted in them), secret-free code (which must come back
unchanged), the same code at 1 MiB (time must grow linearly), and adversarial inputs
built to make a regex backtrack or a scan go quadratic: one 100 KiB line of one letter,
100 KiB of base64 on one line and in lines, names that announce a secret packed back to
back, unterminated quotes, a private key's BEGIN line with no END, repeated key prefixes.
Prints each input's median time and whether the target is met.

Run: .venv/bin/python bench/redact.py [--rounds 5] [--site-packages] [--detect-secrets /path/to/python]
"""

from __future__ import annotations

import argparse
import base64
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from healer.llm.redact import redact
from tests.llm.redaction.recall import Recall, measure
from tests.llm.secrets_corpus import plant, samples

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 50.0
TARGET_RECALL = 0.99
TARGET_CHANGED = 1.0
"""Changed lines per 5,000 of ordinary code, at most."""
KIB = 1024


def healer_code(size: int) -> str:
    text = "".join(path.read_text() for path in sorted((ROOT / "healer").rglob("*.py")))
    while len(text) < size:
        text += text
    return text[:size]


def logs(rng: random.Random, size: int) -> str:
    lines: list[str] = []
    while sum(map(len, lines)) < size:
        n = rng.randrange(1000)
        lines += [
            f"2024-03-05 14:{n % 60:02d}:31,907 INFO [worker-{n % 4}] GET /api/v1/orders/{n} -> 200 in {n % 97} ms",
            f"tests/test_orders.py::test_total_{n} FAILED",
            "Traceback (most recent call last):",
            f'  File "/srv/app/orders/service.py", line {n % 400}, in compute_total',
            "    return sum(line.price * line.quantity for line in order.lines)",
            f"AttributeError: 'NoneType' object has no attribute 'price' (order {n:08x}-4b1e-9c2d)",
        ]
    return "\n".join(lines)[:size]


def realistic(rng: random.Random, size: int) -> str:
    """Two thirds code, one third logs, and one secret in a random place of every 8 KiB."""
    parts = [healer_code(size * 2 // 3), logs(rng, size // 3)]
    chosen = rng.sample(samples(0), max(1, size // (8 * KIB)))
    text = "\n".join(parts)
    for sample in chosen:
        at = text.find("\n", rng.randrange(len(text)))
        at = len(text) if at == -1 else at
        text = text[:at] + "\n" + rng.choice(plant(sample.secret, rng)) + text[at:]
    return text


def inputs(rng: random.Random) -> list[tuple[str, str]]:
    b64 = base64.b64encode(rng.randbytes(75 * KIB)).decode()
    return [
        ("realistic prompt: code, logs, secrets", realistic(rng, 100 * KIB)),
        ("secret-free code, 100 KiB", healer_code(100 * KIB)),
        ("secret-free code, 1 MiB", healer_code(1024 * KIB)),
        ("one 100 KiB line of 'a'", "a" * 100 * KIB),
        ("100 KiB of base64, one line", b64),
        ("100 KiB of base64, 76-column lines", "\n".join(b64[i : i + 76] for i in range(0, len(b64), 76))),
        ("'password=' packed, 100 KiB", ("password=" * (100 * KIB // 9 + 1))[: 100 * KIB]),
        ("'api_key: ' packed, 100 KiB", ("api_key: " * (100 * KIB // 9 + 1))[: 100 * KIB]),
        ("'password = \"' unterminated, 100 KiB", ('password = "' * (100 * KIB // 12 + 1))[: 100 * KIB]),
        ("private key BEGIN with no END", f"{'-' * 5}BEGIN RSA PRIVATE KEY{'-' * 5}\n" + b64[: 99 * KIB]),
        ("'sk-' repeated, 100 KiB", ("sk-" * (100 * KIB // 3 + 1))[: 100 * KIB]),
    ]


def ordinary(site_packages: bool) -> dict[str, list[tuple[str, str]]]:
    """(name, text) of ordinary code: the real projects' releases, healer's code, and the installed packages."""
    import site
    import tarfile

    real = []
    for archive in sorted((ROOT / "bench" / "fixtures" / "real").glob("*.tar.gz")):
        with tarfile.open(archive) as tar:
            for member in tar.getmembers():
                handle = tar.extractfile(member) if member.isfile() else None
                if handle is not None:
                    try:
                        real.append((member.name, handle.read().decode("utf-8")))
                    except UnicodeDecodeError:
                        continue
    own = [(str(path.relative_to(ROOT)), path.read_text()) for path in sorted((ROOT / "healer").rglob("*.py"))]
    found = {"real projects (bench/fixtures/real)": real, "healer's own code": own}
    if site_packages:
        packages = []
        for folder in site.getsitepackages():
            for path in sorted(Path(folder).rglob("*.py")):
                try:
                    packages.append((str(path.relative_to(folder)), path.read_text(encoding="utf-8")))
                except (UnicodeDecodeError, OSError):
                    continue
        found["site-packages"] = packages
    return found


def changed(texts: list[tuple[str, str]], clean: Callable[[str], str]) -> tuple[int, int, list[str]]:
    """Lines changed, lines in all, and the first changed lines."""
    lines = count = 0
    shown: list[str] = []
    for name, text in texts:
        lines += text.count("\n")
        out = clean(text)
        if out == text:
            continue
        before, after = text.splitlines(), out.splitlines()
        different = [line for line in after if line not in set(before)] if len(after) == len(before) else after
        count += len(different) if len(after) == len(before) else sum(1 for a in after if "[REDACTED:" in a)
        shown += [f"{name}: {line.strip()[:140]}" for line in different[:2]]
    return count, lines, shown


def recall_table(label: str, recall: Recall) -> list[str]:
    verdict = "met" if recall.share >= TARGET_RECALL else "MISSED"
    lines = [f"{label}: recall {recall.caught}/{recall.total} = {recall.share:.3%} — target ≥ 99%: {verdict}"]
    for title, totals, misses in (("shape", recall.by_shape, recall.missed_by_shape),
                                  ("family", recall.by_family, recall.missed_by_family),
                                  ("context", recall.by_context, recall.missed_by_context)):  # fmt: skip
        cells = sorted(((1 - misses[name] / total, name) for name, total in totals.items()))
        lines.append(f"  by {title}: " + ", ".join(f"{name} {share:.1%}" for share, name in cells))
    return lines


_DETECT_SECRETS = """\
import json, os, sys, tempfile
from detect_secrets import SecretsCollection
from detect_secrets.settings import default_settings

folder = tempfile.mkdtemp()
path = os.path.join(folder, "sample.txt")
with default_settings():
    for raw in sys.stdin:
        text = json.loads(raw)
        with open(path, "w") as handle:
            handle.write(text)
        found = SecretsCollection()
        found.scan_file(path)
        lines = text.split("\\n")
        for secret in (secret for _file, secret in found):
            if secret.secret_value and 0 < secret.line_number <= len(lines):
                index = secret.line_number - 1
                lines[index] = lines[index].replace(secret.secret_value, "[REDACTED:ds]")
        print(json.dumps("\\n".join(lines)), flush=True)
"""


def detect_secrets_cleaner(python: str) -> Callable[[str], str]:
    """detect-secrets as its users run it (a file scanned with the default plugins and filters), run by another
    interpreter; each secret it reports is replaced on its line, as a redactor would."""
    import json
    import subprocess

    process = subprocess.Popen(
        [python, "-c", _DETECT_SECRETS], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert process.stdin is not None and process.stdout is not None
    stdin, stdout = process.stdin, process.stdout

    def clean(text: str) -> str:
        stdin.write(json.dumps(text) + "\n")
        stdin.flush()
        result: str = json.loads(stdout.readline())
        return result

    return clean


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="timed runs per input (the median is shown)")
    parser.add_argument("--site-packages", action="store_true", help="also measure over-redaction there (slow)")
    parser.add_argument("--detect-secrets", metavar="PYTHON", help="an interpreter with detect-secrets installed")
    options = parser.parse_args()
    failed = 0
    cleaners: list[tuple[str, Callable[[str], str]]] = [("healer", lambda text: redact(text).text)]
    if options.detect_secrets:
        cleaners.append(("detect-secrets", detect_secrets_cleaner(options.detect_secrets)))
    corpora = ordinary(options.site_packages)
    for label, clean in cleaners:
        began = time.perf_counter()
        recall = measure(clean)
        seconds = time.perf_counter() - began
        print("\n".join(recall_table(label, recall)) + f"  ({seconds:.1f} s)")
        failed += label == "healer" and recall.share < TARGET_RECALL
        for corpus, texts in corpora.items():
            count, lines, shown = changed(texts, clean)
            per = count / lines * 5000 if lines else 0.0
            verdict = "met" if per <= TARGET_CHANGED else "MISSED"
            failed += label == "healer" and per > TARGET_CHANGED
            print(f"  over-redaction, {corpus}: {count} of {lines} lines = {per:.2f} per 5,000 — target ≤ 1: {verdict}")
            for line in shown[:6]:
                print(f"    {line}")
    print()
    rng = random.Random(11)
    missed = 0
    for label, text in inputs(rng):
        times = []
        for _ in range(options.rounds):
            began = time.perf_counter()
            result = redact(text)
            times.append(time.perf_counter() - began)
        median = statistics.median(times) * 1000
        per_10k = median / (len(text.encode()) / (10 * KIB))
        verdict = "met" if per_10k <= TARGET_MS else "MISSED"
        missed += verdict == "MISSED"
        print(
            f"{label:<40} {len(text) / KIB:6.0f} KiB  median {median:7.1f} ms  {per_10k:6.2f} ms per 10 KiB"
            f" — target ≤ {TARGET_MS:.0f}: {verdict}  ({result.count} redacted)"
        )
    code = healer_code(1024 * KIB)
    unchanged = redact(code).text == code
    print(f"secret-free code comes back unchanged: {'yes' if unchanged else 'NO'}")
    return 1 if missed or failed or not unchanged else 0


if __name__ == "__main__":
    raise SystemExit(main())
