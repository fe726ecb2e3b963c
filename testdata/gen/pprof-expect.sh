#!/bin/sh
# pprof-expect.sh [TRACE...]: for every committed trace (or those named), record the totals of Go's own
# blocking profiles (`go tool trace -pprof=net|sync|syscall|sched` of Go
# 1.27.3) next to it as NAME.pprof.json, one line per type:
#   {"type":"sync","samples":N,"contentions/count":C,"delay/nanoseconds":D}
# Our `gotraceview pprof` must write the same totals.
set -e
here=$(cd "$(dirname "$0")" && pwd)
td=$(cd "$here/.." && pwd)
gosh=${GOSH:-$here/../../../shared/tools/go.sh}
[ -x "$gosh" ] || gosh=/work/shared/tools/go.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$here/tools/build.sh" pprofsum "$tmp/pprofsum"
if [ $# -eq 0 ]; then set -- "$td"/traces/*.trace "$td"/v1/*.trace; fi
for f in "$@"; do
  [ -f "$f" ] || continue
  out="${f%.trace}.pprof.json"
  : > "$out.tmp"
  for t in net sync syscall sched; do
    if "$gosh" 1.27.3 tool trace -pprof=$t "$f" > "$tmp/p.pprof" 2>"$tmp/err"; then
      "$tmp/pprofsum" "$tmp/p.pprof" | sed "s|\"file\":\"[^\"]*\"|\"type\":\"$t\"|" >> "$out.tmp"
    else
      echo "{\"type\":\"$t\",\"error\":\"$(head -1 "$tmp/err" | tr -d '"\\')\"}" >> "$out.tmp"
    fi
  done
  mv "$out.tmp" "$out"
done
echo "pprof expectations written"
