"""Small helpers shared by the browser tests."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "tests" / "e2e" / "artifacts"


def wait_for_app(pg, timeout: float = 60_000) -> None:
    """Wait until Streamlit has finished running the script (its own harness does this).

    60 s: on a loaded 2-core machine (load ~30) a first run of a page took over 30 s.
    """
    pg.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)


def unexpected_failures(watch, page_path: str) -> list[str]:
    """Failed responses, less the two Streamlit makes itself when opened at a page URL.

    Opened at ``/<page>``, Streamlit's frontend first probes ``/<page>/_stcore/health``
    and ``/<page>/_stcore/host-config`` for a base path, gets 404 and falls back to the
    root. Anything else that failed is ours.
    """
    probes = (f"/{page_path}/_stcore/health", f"/{page_path}/_stcore/host-config")
    return [r for r in watch.failed_responses if not r.endswith(probes)]


def console_errors_beyond_probes(watch, page_path: str) -> list[str]:
    """Console errors, less one 404 line per Streamlit base-path probe (see above)."""
    probe_404s = len(watch.failed_responses) - len(unexpected_failures(watch, page_path))
    errors = list(watch.console_errors)
    for _ in range(probe_404s):
        hits = [e for e in errors if "404" in e]
        if hits:
            errors.remove(hits[0])
    return errors


def until(target, predicate: str, arg=None, **kwargs) -> None:
    """``wait_for_function`` that treats a predicate throwing as "not yet".

    Playwright gives up at the first exception a predicate raises. While Streamlit draws or
    reruns a page, the map's iframe (or the map inside it) is briefly absent, so a predicate
    reading ``document.querySelector(frame).contentDocument`` can throw once before it is
    true. The timeout still fails the test if the condition never holds.
    """
    wrapped = f"(arg) => {{ try {{ return !!(({predicate})(arg)); }} catch (e) {{ return false; }} }}"
    target.wait_for_function(wrapped, arg=arg, **kwargs)
