#!/usr/bin/env bash
# Instructions per call of one memory-manager method, deterministic where wall clock is not:
# callgrind counts two runs (20,000 and 60,000 calls) and the difference is divided by 40,000,
# which cancels start-up. Needs valgrind (apt-get install -y valgrind).
#   bench/callgrind/instructions.sh packages/state-memory/dist/index.js get
#   PFORGE_STATE_TRACING=off bench/callgrind/instructions.sh packages/state-memory/dist/index.js set
# For an A/B, build the other commit in a `git worktree` and pass its dist entry.
set -euo pipefail
entry=$(realpath "$1"); op=$2
here=$(dirname "$0")
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    node --predictable --predictable-gc-schedule "$here/memory-loop.mjs" "$entry" "$op" "$1" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
a=$(count 20000); b=$(count 60000)
echo "$op: $(( (b - a) / 40000 )) instructions/call ($entry)"
