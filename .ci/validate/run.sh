#!/usr/bin/env bash
# The platforms' own validators (validate.mjs) on Incumbent's replies: every Slack and
# Teams golden file, the Teams app package's manifest, and, given a folder of replies
# (slack/ and teams/, written by TestDemoRepliesScan under INCUMBENT_REPLY_DIR), those.
# First, that they fail on the deliberately broken files of testdata/broken.
# Installs the pinned packages (package-lock.json, npm ci) when node_modules is missing.
#   .ci/validate/run.sh [REPLY_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  echo "== npm ci (.ci/validate)"
  npm ci --no-audit --no-fund >/dev/null
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
validate() { node "$here/validate.mjs" "$@"; }

# The broken files must fail, each of them by name.
for kind in slack teams manifest; do
  if [ "$kind" = manifest ]; then
    files=("$here/testdata/broken/manifest.json")
  else
    files=("$here"/testdata/broken/"$kind"/*.json)
  fi
  if validate "$kind" "${files[@]}" >"$tmp/out" 2>&1; then
    cat "$tmp/out"; echo "the $kind validator passed deliberately broken files"; exit 1
  fi
  for f in "${files[@]}"; do
    grep -qF "$f:" "$tmp/out" || { cat "$tmp/out"; echo "the $kind validator did not report $f"; exit 1; }
  done
done
echo "validators fail on the broken files of .ci/validate/testdata/broken"

validate slack "$root/adapters/slack/testdata"
validate teams "$root/adapters/teams/testdata"

# The Teams app package as teams-package writes it, its manifest against the schema.
(cd "$root" && go run ./cmd/incumbent teams-package --app-id 00000000-0000-0000-0000-000000000000 --out "$tmp/app.zip" >/dev/null)
if command -v unzip >/dev/null 2>&1; then
  unzip -p "$tmp/app.zip" manifest.json >"$tmp/manifest.json"
else
  python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("manifest.json"))' "$tmp/app.zip" >"$tmp/manifest.json"
fi
validate manifest "$tmp/manifest.json"

if [ $# -gt 0 ]; then
  validate slack "$1/slack"
  validate teams "$1/teams"
fi
