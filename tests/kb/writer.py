"""One of the concurrent writers of test_concurrency: 1,000 records into HEALER_DB, as fast as it can."""

from __future__ import annotations

import sys

from healer.kb.store import Store
from tests.kb.helpers import REPO, diagnostic, patch, run


def main(worker: int, count: int) -> None:
    with Store() as store:
        print("ready", flush=True)
        sys.stdin.readline()  # start together
        for i in range(count):
            n = worker * 100_000 + i
            if i % 3 == 0:
                store.record_run(run("failed", "passed", diagnostics=(diagnostic(n), diagnostic(n + 50_000))))
            elif i % 3 == 1:
                store.record_patches(REPO, None, [patch(n)])
            else:
                store.record_decision(REPO, patch(n - 1).id, "accepted", "cli")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
