#!/usr/bin/env bash
# Idempotent set-up: system packages (only those missing), then .venv with ggmulti and its test extras.
# Usage: scripts/setup.sh [--system-only | --python-only | --review]
#   --review: only what `glossary check`, `glossary diff` and `review diff` need (pull-request CI):
#             ggmulti itself (binary wheels, nothing compiled); no fonts, voices, browser or npm.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the project needs at run time or in its tests.
DEB_PACKAGES=(
  espeak-ng            # text-to-speech voices (pyttsx3 driver "espeak")
  fonts-noto-core      # Lao, Khmer, Myanmar, Thai, Devanagari, Bengali, Sinhala, Cyrillic, Latin
  fonts-noto-cjk       # Chinese, Japanese, Korean
  fontconfig           # fc-list / fc-match, used by WeasyPrint, `ggmulti doctor` and podcast covers
  libfribidi0          # Pillow's bundled libraqm loads it: shaped Lao/Khmer/Burmese/Devanagari on covers
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b
  libharfbuzz-subset0  # fast font subsetting in WeasyPrint (fontTools fallback is ~40x slower)
  poppler-utils        # pdftotext / pdffonts for PDF round-trip checks
  ffmpeg               # ffprobe / ffmpeg decode the MP3s in the audio tests
  chromium chromium-driver   # headless browser for the site's axe-core accessibility test (and DAISY Ace)
  epubcheck            # W3C/DAISY EPUB validator for the EPUB tests (pulls default-jre); run it as
                       # `java -jar /usr/share/java/epubcheck.jar`: its /usr/bin wrapper needs binfmt;
                       # its JRE also runs the Nu HTML Checker (npm vnu-jar) in tests/test_site_checkers.py
)
PYTHON=${PYTHON:-python3}

system_packages() {
  if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "This is not a Debian-based system, so set-up cannot install system packages for you." >&2
    echo "Install the equivalents of: ${DEB_PACKAGES[*]}" >&2
    echo "(espeak-ng, Noto fonts incl. CJK, Pango >= 1.44 with HarfBuzz subset, poppler-utils), then run:" >&2
    echo "  scripts/setup.sh --python-only" >&2
    exit 1
  fi
  local missing=()
  for pkg in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return 0
  fi
  echo "Installing missing Debian packages: ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "Need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

python_env() {
  "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
    echo "ggmulti needs Python >= 3.11; $("$PYTHON" --version 2>&1) found. Set PYTHON=/path/to/python3.11" >&2
    exit 1
  }
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  local stamp=.venv/.ggmulti-installed
  local want
  want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  echo "Installing ggmulti and its test extras into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
  # A CUDA build of torch is several GB and never needed here: refuse it loudly if anything pulled it in.
  if .venv/bin/python -m pip list 2>/dev/null | grep -qiE '^nvidia-|^torch .*\+cu'; then
    echo "A CUDA build of torch (nvidia-* packages) was installed into .venv; remove it and pin torch's CPU" \
         "build (pip install torch==2.13.0 from the local wheel) before continuing." >&2
    exit 1
  fi
  echo "$want" > "$stamp"
}

# Pinned in package.json/package-lock.json: axe-core, injected into Chromium by the site tests, and
# DAISY Ace (ace-cli), the EPUB accessibility checker, which drives Debian's chromium through puppeteer
# (PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium at run time) instead of downloading a browser.
node_packages() {
  if [ -f node_modules/axe-core/axe.min.js ] && [ -x node_modules/.bin/ace-cli ] \
    && [ -f node_modules/vnu-jar/build/dist/vnu.jar ] && [ -x node_modules/.bin/lighthouse ]; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    # Node.js usually comes with the machine; Debian's own nodejs + npm do as well.
    [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1 \
      && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
    command -v npm >/dev/null 2>&1 || { echo "npm is missing: install Node.js with npm" >&2; exit 1; }
  fi
  echo "Installing axe-core, DAISY Ace, the Nu HTML Checker (vnu-jar) and Lighthouse (npm ci)"
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
}

review_env() {
  # Nothing to compile: ICU comes bundled in the pyicu-wheels binary wheel.
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install -q --disable-pip-version-check -e .
}

case "${1:-}" in
  --review) review_env ;;
  --system-only) system_packages ;;
  --python-only) python_env; node_packages ;;
  *) system_packages; python_env; node_packages ;;
esac
