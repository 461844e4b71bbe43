#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ (git-ignored) from the parser fixtures, each behind the
# provider targets' 3-byte prefix (status 200, text query, no page token), and the bridge
# target from a few well-formed host messages. Idempotent.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../crates/core/tests/fixtures
for pair in talkdesk:talkdesk symphony:symphony gws:gws eightbyeight:8x8 smartflo:smartflo; do
  target=${pair%%:*} dir=${pair##*:}
  mkdir -p "corpus/$target"
  for f in "$fixtures/$dir"/*; do
    [[ -f $f ]] || continue
    { printf '\0\0\0'; cat "$f"; } > "corpus/$target/seed-$(basename "$f")"
  done
done
mkdir -p corpus/bridge
i=0
for m in \
  '{"cardfile":1,"type":"search","query":"Maria"}' \
  '{"cardfile":1,"type":"screenPop","phone":"+351 912 345 678"}' \
  '{"cardfile":1,"type":"theme","mode":"dark","tokens":{"--accent":"#0a84ff"}}' \
  '{"cardfile":1,"type":"config","sources":["8x8","gws"]}' \
  '{"cardfile":2,"type":"search","query":"x"}'; do
  printf '\0%s' "$m" > "corpus/bridge/seed-$i"
  i=$((i + 1))
done
