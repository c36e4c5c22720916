# Sourced by `make test` / `make bench`: find a Chromium for the browser tests and
# export ATLAS_CHROMIUM. Installs one when none is found: Debian's `chromium`
# package when we may use apt (root or password-less sudo), otherwise Playwright's
# own download (which needs internet). The browser tests never skip: without a
# browser they fail and say why.
_atlas_find_chromium() {
  for c in "${ATLAS_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome \
           "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome" \
           "/Applications/Chromium.app/Contents/MacOS/Chromium"; do
    if [ -n "$c" ] && [ -x "$c" ]; then printf '%s' "$c"; return 0; fi
  done
  return 1
}
_atlas_apt() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif sudo -n true 2>/dev/null; then sudo "$@"; else return 1; fi
}
if ! ATLAS_CHROMIUM=$(_atlas_find_chromium); then
  if command -v apt-get >/dev/null 2>&1 && _atlas_apt true; then
    echo "Installing Debian's chromium and a CJK font for the browser tests ..."
    _atlas_apt apt-get update -qq && _atlas_apt apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
    ATLAS_CHROMIUM=$(_atlas_find_chromium) || ATLAS_CHROMIUM=""
  fi
  if [ -z "${ATLAS_CHROMIUM:-}" ]; then
    # Playwright-managed Chromium (macOS, or Linux without root); found by Playwright itself.
    echo "Installing Playwright's Chromium for the browser tests ..."
    .venv/bin/python -m playwright install chromium && ATLAS_CHROMIUM="playwright"
  fi
fi
export ATLAS_CHROMIUM
echo "Browser for e2e tests: ${ATLAS_CHROMIUM:-none found}"
