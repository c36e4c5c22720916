"""Editors and their passwords: argon2 hashes in secrets, never plain text; wrong passwords slow down.

Editors are configured outside the repository, in ``.streamlit/secrets.toml``::

    [editors]
    alice = "$argon2id$v=19$m=65536,t=3,p=4$..."

or in the environment (``ATLAS_EDITORS="alice:$argon2id$...;bob:$argon2id$..."``).
Make a hash with ``python -m geodata.store.users hash`` (asks for the password twice).
With no editor configured the app is read-only and the data page says how to enable it.
"""

from __future__ import annotations

import functools
import getpass
import sys
import threading
import time
from collections.abc import Mapping

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

EDITORS_ENV = "ATLAS_EDITORS"
_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified when the name is unknown, so an unknown name costs as long as a wrong password.

    Made at the first sign-in, not at import: an argon2 hash costs ~0.15 s of CPU, and every
    page imports this module (the navigation asks who is signed in) before its first map."""
    return _HASHER.hash("not a password of anyone")


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
        _HASHER.verify(hashed or _dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return hashed is not None


#: Longest editor name accepted; a longer one is refused before any hashing.
MAX_NAME = 64
#: Longest password hashed (argon2 accepts any length, but nobody types more).
MAX_PASSWORD = 256
#: At most this many argon2 verifications at once in the process: each costs 64 MiB and a core
#: for a fraction of a second, so a burst of sign-ins queues instead of exhausting memory.
VERIFY_SLOTS = threading.BoundedSemaphore(2)


class Throttle:
    """Failed sign-ins per name, process-wide: each failure doubles the wait, up to ``cap`` seconds.

    The wait comes *before* the password is checked, and attempts on one name are spaced out:
    each attempt reserves the next free moment for that name (``reserve``), so parallel
    sessions guessing one name get one guess per wait between them, not one each. An attempt
    whose moment lies more than ``max_wait`` ahead is refused without checking anything (the
    session gets the same "failed" answer), so waiting threads never pile up. Names not tried
    for ``forget_after`` seconds are forgotten, and at most ``max_names`` are remembered.

    >>> now = [0.0]
    >>> th = Throttle(base=0.5, cap=4, clock=lambda: now[0])
    >>> th.reserve("a")  # a first attempt waits for nothing (and counts as failed until it succeeds)
    0.0
    >>> th.reserve("a"), th.reserve("a")  # two more at once: the second one after the first
    (0.5, 1.5)
    >>> th.succeed("a"); th.reserve("a")
    0.0
    """

    def __init__(
        self,
        base: float = 0.5,
        cap: float = 8.0,
        *,
        max_wait: float = 30.0,
        forget_after: float = 3600.0,
        max_names: int = 10_000,
        clock=time.monotonic,  # type: ignore[no-untyped-def]
    ) -> None:
        self.base, self.cap, self.max_wait = base, cap, max_wait
        self.forget_after, self.max_names, self._clock = forget_after, max_names, clock
        # name -> [failures counted (including attempts under way), next free moment, last seen]
        self._names: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _delay(self, failures: float) -> float:
        return 0.0 if failures <= 0 else min(self.cap, self.base * 2 ** (failures - 1))

    def reserve(self, name: str) -> float | None:
        """Seconds to wait before checking this attempt, or None when it is refused unchecked."""
        with self._lock:
            now = self._clock()
            self._prune(now)
            entry = self._names.setdefault(name, [0.0, now, now])
            at = max(now, entry[1]) + self._delay(entry[0])
            if at - now > self.max_wait:
                return None
            # counted as a failure until it succeeds, so the next parallel attempt waits longer
            entry[0] += 1
            entry[1], entry[2] = at, now
            return at - now

    def fail(self, name: str) -> None:
        """Record a failure of an attempt that did not reserve (reserved attempts already count)."""
        with self._lock:
            now = self._clock()
            self._prune(now)
            entry = self._names.setdefault(name, [0.0, now, now])
            entry[0] += 1
            entry[2] = now

    def succeed(self, name: str) -> None:
        with self._lock:
            self._names.pop(name, None)

    def __len__(self) -> int:
        return len(self._names)

    def _prune(self, now: float) -> None:
        stale = [n for n, e in self._names.items() if now - max(e[1], e[2]) > self.forget_after]
        for n in stale:
            del self._names[n]
        if len(self._names) >= self.max_names:  # a flood of made-up names: forget the oldest
            oldest = sorted(self._names, key=lambda n: self._names[n][2])
            for n in oldest[: len(self._names) - self.max_names + 1]:
                del self._names[n]


THROTTLE = Throttle()


def sign_in(editors: Mapping[str, str], name: str, password: str, sleep=time.sleep) -> bool:  # type: ignore[no-untyped-def]
    """Check a sign-in after the wait its name has earned; at most ``VERIFY_SLOTS`` hashes at once.

    Over-long names and passwords, and attempts beyond the throttle's queue, fail unchecked.
    """
    name = (name or "").strip()
    if not name or not password or len(name) > MAX_NAME or len(password) > MAX_PASSWORD:
        sleep(THROTTLE.base)
        return False
    wait = THROTTLE.reserve(name)
    if wait is None:
        return False
    sleep(wait)
    with VERIFY_SLOTS:
        ok = verify(editors, name, password)
    if ok:
        THROTTLE.succeed(name)
    return ok


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
