#!/bin/sh
# gen.sh: write testdata/v1/<name>.events.txt.gz, the event stream Go's own
# parser reads from each testdata/v1/<name>.trace, in v1dump's one-line form
# (see main.go), for the v1 reader's tests (src/trace/v1/tests.rs).
set -e
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/../build.sh" v1dump "$tmp/v1dump"
for t in "$repo"/testdata/v1/*.trace; do
  out="${t%.trace}.events.txt.gz"
  "$tmp/v1dump" "$t" | gzip -9n > "$out"
  echo "$out: $(gzip -dc "$out" | wc -l) events"
done
