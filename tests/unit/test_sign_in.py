"""The sign-in throttle: wait first, then check; one guess per wait per name; bounded work and memory."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from geodata.store import users

EDITORS = {"alice": "$argon2id$v=19$m=65536,t=3,p=4$notreal"}


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> users.Throttle:
    # a clock that stands still: every attempt arrives at the same moment (the worst case)
    throttle = users.Throttle(base=0.5, cap=8.0, clock=lambda: 0.0)
    monkeypatch.setattr(users, "THROTTLE", throttle)
    return throttle


def _recording(monkeypatch: pytest.MonkeyPatch, events: list, result: bool = False) -> None:
    def fake_verify(editors, name, password):  # the argon2 check, recorded instead of run
        events.append(("verify", name))
        return result

    monkeypatch.setattr(users, "verify", fake_verify)


def test_the_wait_comes_before_the_password_is_checked(fresh, monkeypatch) -> None:
    events: list = []
    _recording(monkeypatch, events)
    for _ in range(3):
        assert not users.sign_in(EDITORS, "alice", "guess", sleep=lambda s: events.append(("sleep", s)))
    # each check follows its own wait; the wait grows with the failures before it
    assert events == [
        ("sleep", 0.0), ("verify", "alice"),
        ("sleep", 0.5), ("verify", "alice"),
        ("sleep", 1.5), ("verify", "alice"),
    ]  # fmt: skip


def test_parallel_guesses_on_one_name_are_spaced_out(fresh, monkeypatch) -> None:
    """Ten sessions guessing at once: the k-th guess happens only after all earlier waits."""
    events: list = []
    _recording(monkeypatch, events)
    waits: list[float] = []
    # the waits are reserved before anyone sleeps, as when ten sessions submit at the same moment
    for _ in range(10):
        users.sign_in(EDITORS, "alice", "guess", sleep=waits.append)
    assert waits[:5] == [0.0, 0.5, 1.5, 3.5, 7.5]
    assert all(b - a >= 0.5 for a, b in itertools.pairwise(waits))
    # beyond the throttle's queue (30 s ahead) an attempt is refused without checking anything
    assert len(events) == sum(1 for w in waits if w <= fresh.max_wait) < 10


def test_a_success_resets_the_wait(fresh, monkeypatch) -> None:
    events: list = []
    _recording(monkeypatch, events, result=True)
    fresh.reserve("alice")
    fresh.reserve("alice")
    waits: list[float] = []
    assert users.sign_in(EDITORS, "alice", "right", sleep=waits.append)
    assert users.sign_in(EDITORS, "alice", "right", sleep=waits.append)
    assert waits[-1] == 0.0


def test_at_most_two_verifications_run_at_once(fresh, monkeypatch) -> None:
    running, peak = [0], [0]
    lock = threading.Lock()

    def slow_verify(editors, name, password):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.05)  # stands for the argon2 hash: a real wait for a real overlap
        with lock:
            running[0] -= 1
        return False

    monkeypatch.setattr(users, "verify", slow_verify)
    # different names, so the per-name wait does not serialise them: only the semaphore can
    threads = [
        threading.Thread(
            target=users.sign_in, args=(EDITORS, f"user{i}", "x"), kwargs={"sleep": lambda s: None}
        )
        for i in range(8)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=10)
    assert peak[0] == 2


def test_over_long_names_and_passwords_are_refused_unchecked(fresh, monkeypatch) -> None:
    events: list = []
    _recording(monkeypatch, events, result=True)
    assert not users.sign_in(EDITORS, "a" * 100_000, "pw", sleep=lambda s: None)
    assert not users.sign_in(EDITORS, "alice", "p" * 100_000, sleep=lambda s: None)
    assert events == []
    assert len(fresh) == 0  # nothing remembered for them either


def test_the_failure_table_is_pruned() -> None:
    now = [0.0]
    th = users.Throttle(max_names=100, forget_after=60.0, clock=lambda: now[0])
    for i in range(1000):  # a flood of made-up names
        th.fail(f"name{i}")
    assert len(th) <= 100
    now[0] = 61.0
    th.fail("late")
    assert len(th) == 1  # every older name forgotten after a quiet minute
