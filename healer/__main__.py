import os
import sys

# A Ctrl-C while this module and `healer.start` import (before healer's handler is in place) is the
# user's interrupt like any other: one line and 130, not a KeyboardInterrupt traceback through importlib.
try:
    # `python -m healer` puts the current folder first on sys.path: in a project that has its own `json.py` or
    # `six.py`, healer (and its dependencies) would import the project's module instead of the real one. The
    # folder stays only when healer itself is imported from there (a checkout run without installing).
    _HOME = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    _PREPENDED = not getattr(sys.flags, "safe_path", False)  # -P / -I prepend nothing
    if _PREPENDED and sys.path and os.path.realpath(sys.path[0] or os.curdir) != os.path.realpath(_HOME):
        del sys.path[0]

    from healer.start import run
except KeyboardInterrupt:
    sys.stderr.write("healer: interrupted\n")
    raise SystemExit(130) from None

raise SystemExit(run())
