#!/bin/sh
# godump-digests.sh [TRACE...]: for every committed trace (or those named), record the digest of Go's own
# event dump (Event.String() per event, see tools/godump) next to it as
# NAME.dump.digest ("events N sha256 HEX"; for v1 traces, every digest seen in
# V1_RUNS runs, one per line). The conformance test compares our `dump` output
# with it, so every event of every trace is checked against Go's parser
# without committing the (large) dumps themselves.
set -e
here=$(cd "$(dirname "$0")" && pwd)
td=$(cd "$here/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/tools/build.sh" godump "$tmp/godump"
if [ $# -eq 0 ]; then set -- "$td"/traces/*.trace "$td"/v1/*.trace "$td"/gotests/*.trace; fi
for f in "$@"; do
  [ -f "$f" ] || continue
  case $(head -c 13 "$f") in
  "go 1.11 trace" | "go 1.19 trace" | "go 1.21 trace")
    # Go merges the procs of a v1 trace in map order, so events of different
    # procs with equal timestamps come in a different order from run to run:
    # keep every digest seen (one per line; any one may match).
    for i in $(seq "${V1_RUNS:-50}"); do TZ=UTC "$tmp/godump" -digest "$f"; done |
      sort -u > "${f%.trace}.dump.digest" ;;
  *) TZ=UTC "$tmp/godump" -digest "$f" > "${f%.trace}.dump.digest" ;;
  esac
done
echo "digests written"
