"""Secret redaction speed: milliseconds per 10 KiB of text, against the target of at most 50.

Inputs: a realistic prompt (healer's own code, pytest and application logs, and a few
secrets from the test corpus planted in them), secret-free code (which must come back
unchanged), the same code at 1 MiB (time must grow linearly), and adversarial inputs
built to make a regex backtrack or a scan go quadratic: one 100 KiB line of one letter,
100 KiB of base64 on one line and in lines, names that announce a secret packed back to
back, unterminated quotes, a private key's BEGIN line with no END, repeated key prefixes.
Prints each input's median time and whether the target is met.

Run: .venv/bin/python bench/redact.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import base64
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from healer.llm.redact import redact
from tests.llm.secrets_corpus import plant, samples

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 50.0
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="timed runs per input (the median is shown)")
    options = parser.parse_args()
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
    return 1 if missed or not unchanged else 0


if __name__ == "__main__":
    raise SystemExit(main())
