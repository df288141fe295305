#!/usr/bin/env bash
# Install the system packages pressgen needs, when they are missing.
#   scripts/setup-system.sh          what rendering needs (make demo)
#   scripts/setup-system.sh test     plus what the test suite checks outputs with
# As root with apt-get, it installs them; otherwise it says what to install.
set -euo pipefail

# WeasyPrint draws text with Pango; without libharfbuzz-subset0 it subsets fonts
# with fontTools and runs about 8x slower.
# Fonts: Liberation Sans for Latin, Greek, Cyrillic and Hebrew (Arial's metrics, as the DOCX); Noto
# for the other scripts of the offices' languages, so that a name in Arabic, Chinese or Hindi prints:
# fonts-noto-core (42 MB: Arabic, Devanagari, Bengali, Thai, Ethiopic, Armenian, Georgian, Khmer…),
# fonts-noto-cjk (91 MB: Chinese, Japanese, Korean), fonts-noto-color-emoji (11 MB). fonts-noto-extra
# (330 MB of extra weights) is not needed. 'pressgen check' warns of characters no installed font has.
runtime=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig
         fonts-liberation2 fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji)
# qpdf --check, pdftotext, msgfmt --check, LibreOffice to open DOCX and PDF, and the
# official OASIS XLIFF 1.2 schema (shipped by Debian's Symfony translation package); python3-uno to
# edit review documents in LibreOffice with Track Changes on (the system python3 drives soffice);
# OmegaT, the real CAT tool the translation tests drive headless; the machine's npm installs the browser tests' axe-core.
testing=(qpdf poppler-utils gettext libreoffice-writer-nogui libreoffice-draw-nogui php-symfony-translation
         hyphen-nl hyphen-fr hyphen-en-us chromium python3-uno omegat)
testing+=(openssl)  # the mail tests make a certificate for their STARTTLS/TLS server on loopback

wanted=("${runtime[@]}")
[ "${1:-}" = "test" ] && wanted+=("${testing[@]}")

# The browser tests' JavaScript (axe-core), pinned by tests/js/package-lock.json, from the npm registry.
install_test_js() {
  local here js
  here=$(cd "$(dirname "$0")/.." && pwd)
  js="$here/tests/js"
  if [ -f "$js/package-lock.json" ] && [ ! -f "$js/node_modules/.package-lock.json" -o "$js/package-lock.json" -nt "$js/node_modules/.package-lock.json" ]; then
    if command -v npm >/dev/null 2>&1; then
      (cd "$js" && npm ci --no-audit --no-fund --silent)
    else
      echo "setup: npm is missing: install Node.js and npm, then run 'npm ci' in tests/js" >&2
      return 1
    fi
  fi
}

# The studio's Markdown editor (CodeMirror 6, pinned by pressgen/studio/editor/package-lock.json), from the
# npm registry, bundled by esbuild into pressgen/studio/static/vendor/editor.js (not in git). Without it the
# studio keeps its plain text areas. Rebuilt when the lock file or the editor's source is newer.
build_editor() {
  local here editor bundle
  here=$(cd "$(dirname "$0")/.." && pwd)
  editor="$here/pressgen/studio/editor"
  bundle="$here/pressgen/studio/static/vendor/editor.js"
  [ -f "$editor/package-lock.json" ] || return 0
  if ! command -v npm >/dev/null 2>&1; then
    echo "setup: npm is missing, so the studio's text areas stay plain (no Markdown editor): install Node.js" \
         "and npm, then run scripts/setup-system.sh again" >&2
    return 0
  fi
  if [ ! -f "$editor/node_modules/.package-lock.json" ] || [ "$editor/package-lock.json" -nt "$editor/node_modules/.package-lock.json" ]; then
    if ! (cd "$editor" && npm ci --no-audit --no-fund --silent); then
      echo "setup: 'npm ci' in pressgen/studio/editor failed (is the npm registry reachable?): the studio's" \
           "text areas stay plain until scripts/setup-system.sh is run again" >&2
      return 0
    fi
  fi
  if [ ! -f "$bundle" ] || [ -n "$(find "$editor/src" "$editor/package.json" "$editor/package-lock.json" -newer "$bundle" | head -n 1)" ]; then
    (cd "$editor" && npm run --silent build >/dev/null) || echo "setup: the studio's editor did not build" >&2
  fi
  return 0
}
build_editor

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup: not a Debian-like system; install the equivalents of: ${wanted[*]}" >&2
  exit 0
fi

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  [ "${1:-}" = "test" ] && install_test_js
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ "${1:-}" = "test" ] && install_test_js
  exit 0
else
  echo "setup: missing system packages: ${missing[*]}" >&2
  echo "setup: install them with: sudo apt-get install ${missing[*]}" >&2
  [ "${1:-}" = "test" ] && exit 1
  exit 0
fi
