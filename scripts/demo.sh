#!/usr/bin/env bash
# The main job on the bundled example: set everything up, audit the leaked
# cable, sanitize it (text and PDF), and show the residue proof.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
LD=.venv/bin/leakdesk
mkdir -p out
echo
echo "== 1. Audit: every trace in the leaked cable that could identify its source =="
$LD audit examples/cable.txt || true
if [[ -f examples/cable.pdf ]]; then
  echo "== 2. Audit the PDF copy (metadata, annotations, hidden text, black boxes, old revisions) =="
  $LD audit examples/cable.pdf --min-severity medium || true
fi
if $LD sanitize --help >/dev/null 2>&1; then
  echo "== 3. Sanitize the text copy, with the residue proof =="
  $LD sanitize examples/cable.txt -o out/cable.cleaned.txt
  if [[ -f examples/cable.pdf ]]; then
    echo "== 4. Sanitize the PDF copy (rebuild mode), with the residue proof =="
    $LD sanitize examples/cable.pdf -o out/cable.cleaned.pdf
  fi
  echo "== 5. Audit the clean copy =="
  $LD audit out/cable.cleaned.txt || true
  echo "Clean copies are in out/."
fi
