#!/bin/sh
# gen.sh: rebuild the expected event streams testdata/v1/<name>.events.txt.gz
# of every testdata/v1/<name>.trace with Go's own parser (v1dump, built with
# Go 1.27.3 inside its GOROOT since it uses internal/trace).
# Run from anywhere: testdata/gen/tools/v1dump/gen.sh
set -e
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
gosh=${GOSH:-$repo/../shared/tools/go.sh}
root=$("$gosh" 1.27.3 env GOROOT)
mkdir -p "$root/src/cmd/v1dump"
cp "$here/main.go" "$root/src/cmd/v1dump/main.go"
bin=$(mktemp -d)/v1dump
(cd "$root/src/cmd/v1dump" && GO111MODULE=on "$gosh" 1.27.3 build -o "$bin" .)
for t in "$repo"/testdata/v1/*.trace; do
  out="${t%.trace}.events.txt.gz"
  "$bin" "$t" | gzip -9n > "$out"
  echo "$out: $(gzip -dc "$out" | wc -l) events"
done
