#!/bin/sh
# godump-digests.sh: for every committed trace, record the digest of Go's own
# event dump (Event.String() per event, see tools/godump) next to it as
# NAME.dump.digest ("events N sha256 HEX"). The conformance test compares our
# `dump` output with it, so every event of every trace is checked against
# Go's parser without committing the (large) dumps themselves.
set -e
here=$(cd "$(dirname "$0")" && pwd)
td=$(cd "$here/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/tools/build.sh" godump "$tmp/godump"
for f in "$td"/traces/*.trace "$td"/v1/*.trace "$td"/gotests/*.trace; do
  [ -f "$f" ] || continue
  TZ=UTC "$tmp/godump" -digest "$f" > "${f%.trace}.dump.digest"
done
echo "digests written"
