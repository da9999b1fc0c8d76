#!/usr/bin/env bash
# Set up leakdesk on a fresh Debian/Ubuntu machine: system packages (skipped when
# present), a virtual environment in .venv with pinned dependencies, and the
# package itself.  Safe to run again: it only installs what is missing.
#   bash scripts/setup.sh          # runtime
#   bash scripts/setup.sh --dev    # plus test and lint tools
set -euo pipefail
cd "$(dirname "$0")/.."

DEV=0
[[ "${1:-}" == "--dev" ]] && DEV=1

# Debian packages: program -> package.  Only what is missing is installed.
declare -A NEED=(
  [tesseract]=tesseract-ocr
  [qpdf]=qpdf
  [pdftotext]=poppler-utils
  [exiftool]=libimage-exiftool-perl
  [soffice]=libreoffice-writer-nogui
)
if [[ $DEV == 1 ]]; then
  NEED[chromium]=chromium
  NEED[chromedriver]=chromium-driver
  NEED[mat2]=mat2
fi
missing=()
for prog in "${!NEED[@]}"; do
  command -v "$prog" >/dev/null 2>&1 || missing+=("${NEED[$prog]}")
done
dpkg -s tesseract-ocr-eng >/dev/null 2>&1 || missing+=(tesseract-ocr-eng)
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
if [[ $DEV == 1 ]] && ! dpkg -s libarchive-zip-perl >/dev/null 2>&1; then missing+=(libarchive-zip-perl); fi
if (( ${#missing[@]} )); then
  SUDO=""; [[ $(id -u) != 0 ]] && SUDO="sudo"
  echo "setup: installing system packages: ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.leakdesk-installed
want="$(cat requirements.lock pyproject.toml | sha256sum | cut -c1-16)-$DEV"
if [[ ! -f $stamp || "$(cat $stamp)" != "$want" ]]; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.lock
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  echo "$want" > $stamp
fi
