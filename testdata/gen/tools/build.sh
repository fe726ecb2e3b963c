#!/bin/sh
# build.sh TOOL OUT: build one of the Go tools in this directory (they use the
# Go toolchain's internal trace packages, so they are built inside a GOROOT).
set -e
here=$(cd "$(dirname "$0")" && pwd)
gosh=${GOSH:-$here/../../../../shared/tools/go.sh}
[ -x "$gosh" ] || gosh=/work/shared/tools/go.sh
tool=$1; out=$(realpath -m "$2")
root=$("$gosh" 1.27.3 env GOROOT)
mkdir -p "$root/src/cmd/$tool"
cp "$here/$tool/main.go" "$root/src/cmd/$tool/main.go"
cd "$root/src/cmd/$tool" && GO111MODULE=on "$gosh" 1.27.3 build -o "$out" .
