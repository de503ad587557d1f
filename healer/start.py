"""The `healer` program's first lines: a Ctrl-C before healer is ready ends it quietly, with 130.

Python's own SIGINT handler raises KeyboardInterrupt wherever the signal lands,
and during the first imports that means a traceback. Until `main()` installs
healer's handler, an interrupt here has nothing to clean up: no stage has
started, no file has been written.
"""

import os
import signal


def _quiet(_sig: int, _frame: object) -> None:
    os.write(2, b"healer: interrupted\n")
    os._exit(130)


def run() -> int:
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _quiet)
    from healer.main import main

    return main()
