"""Editors and their passwords: argon2 hashes in secrets, never plain text; wrong passwords slow down.

Editors are configured outside the repository, in ``.streamlit/secrets.toml``::

    [editors]
    alice = "$argon2id$v=19$m=65536,t=3,p=4$..."

or in the environment (``ATLAS_EDITORS="alice:$argon2id$...;bob:$argon2id$..."``).
Make a hash with ``python -m geodata.store.users hash`` (asks for the password twice).
With no editor configured the app is read-only and the data page says how to enable it.
"""

from __future__ import annotations

import getpass
import sys
import threading
import time
from collections.abc import Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

EDITORS_ENV = "ATLAS_EDITORS"
_HASHER = PasswordHasher()
# Verified when the name is unknown, so an unknown name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


def parse_editors(env_value: str | None, secrets: Mapping[str, object] | None) -> dict[str, str]:
    """name -> argon2 hash from the environment value and the secrets' ``[editors]`` table.

    Entries that are not argon2 hashes are ignored (a plain-text password is never accepted).

    >>> parse_editors("alice:$argon2id$x;bob:plain", None)
    {'alice': '$argon2id$x'}
    >>> parse_editors(None, {"editors": {"carol": "$argon2id$y"}})
    {'carol': '$argon2id$y'}
    """
    out: dict[str, str] = {}
    table = (secrets or {}).get("editors") or {}
    if isinstance(table, Mapping):
        out.update({str(k): str(v) for k, v in table.items()})
    for item in (env_value or "").split(";"):
        name, _, hashed = item.strip().partition(":")
        if name and hashed:
            out[name.strip()] = hashed.strip()
    return {k: v for k, v in out.items() if v.startswith("$argon2")}


def hash_password(password: str) -> str:
    """An argon2id hash (with its own random salt) for the secrets file."""
    return _HASHER.hash(password)


def verify(editors: Mapping[str, str], name: str, password: str) -> bool:
    """Whether ``password`` is ``name``'s; unknown names take as long as known ones."""
    hashed = editors.get(name)
    try:
        _HASHER.verify(hashed or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return hashed is not None


class Throttle:
    """Failed sign-ins per name, process-wide: each failure doubles the wait, up to ``cap`` seconds.

    >>> th = Throttle(base=0.5, cap=4)
    >>> [th.fail("a") for _ in range(5)]
    [0.5, 1.0, 2.0, 4, 4]
    >>> th.succeed("a"); th.fail("a")
    0.5
    """

    def __init__(self, base: float = 0.5, cap: float = 8.0) -> None:
        self.base, self.cap = base, cap
        self._failures: dict[str, int] = {}
        self._lock = threading.Lock()

    def fail(self, name: str) -> float:
        with self._lock:
            n = self._failures.get(name, 0) + 1
            self._failures[name] = n
        return min(self.cap, self.base * 2 ** (n - 1))

    def succeed(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)


THROTTLE = Throttle()


def sign_in(editors: Mapping[str, str], name: str, password: str, sleep=time.sleep) -> bool:  # type: ignore[no-untyped-def]
    """Check a sign-in; a failure waits (longer after each failure for that name) before answering."""
    name = name.strip()
    if name and password and verify(editors, name, password):
        THROTTLE.succeed(name)
        return True
    sleep(THROTTLE.fail(name or "?"))
    return False


def main(argv: list[str]) -> int:
    if argv[:1] != ["hash"]:
        print("usage: python -m geodata.store.users hash   (prints an argon2 hash for .streamlit/secrets.toml)")
        return 2
    first = getpass.getpass("Password: ")
    if len(first) < 10:
        print("Use at least 10 characters.", file=sys.stderr)
        return 1
    if getpass.getpass("Again: ") != first:
        print("The two passwords differ.", file=sys.stderr)
        return 1
    print(hash_password(first))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
