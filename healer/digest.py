"""The hash behind cache keys, loaded without OpenSSL.

`import hashlib` loads OpenSSL's bindings first (about 2.5 ms, a tenth of a
cached re-check); CPython's own BLAKE2 module is built in and loads at once.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # a Python built without it
    from hashlib import blake2b


def new_digest() -> blake2b:
    return blake2b(digest_size=32)
