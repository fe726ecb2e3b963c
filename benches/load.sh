#!/bin/sh
# benches/load.sh [TRACE] [RUNS]: the load benchmark of issues 2 and 8
# ("Speed and memory", "Traces of any size"). Loads TRACE with
# `gotraceview bench` (parse, order, the model or a big trace's overview,
# the goroutine analysis as the Goroutines tab shows it) RUNS times
# (default 3), and reads it with Go's own parser (`traceoracle parse`) as
# many times, printing one line per run:
#
#   gotraceview  first_frame_ms=… load_ms=… cpu_s=… (user+sys) peak_rss_mb=…
#   traceoracle  parse_ms=… cpu_s=…             peak_rss_mb=…
#
# then the load average (the machine is shared: wall times depend on it,
# CPU times much less). With SUMMARY=1 it also runs `traceoracle summary`
# once (minutes and ~8-12 GB on a 250 MB trace).
#
# TRACE defaults to /tmp/gotraceview-big.trace, written first if missing by
# testdata/gen/bigtrace.sh (Go 1.27 churn, 250 MB). Environment: TOOLS as
# for testdata/gen/generate.sh (../shared/tools by default), CARGO_TARGET_DIR.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${TOOLS:-$(cd "$here/.." && pwd)/shared/tools}
trace=${1:-/tmp/gotraceview-big.trace}
runs=${2:-3}

if [ ! -f "$trace" ]; then
    echo "writing $trace with testdata/gen/bigtrace.sh" >&2
    "$here/testdata/gen/bigtrace.sh" "$trace" >&2
fi

(cd "$here" && cargo build --release --quiet)
target=${CARGO_TARGET_DIR:-$here/target}
ours="$target/release/gotraceview"

oracle=${ORACLE:-/tmp/gotraceview-traceoracle}
if [ ! -x "$oracle" ]; then
    "$TOOLS/build.sh" traceoracle "$oracle" >&2
fi

# Runs a command under /usr/bin/time; prints "cpu_s peak_rss_mb OUTFILE wall_s".
timed() {
    t=$(mktemp)
    /usr/bin/time -f "%U %S %M %e" -o "$t" "$@" > "$t.out"
    cat "$t.out" > "$t.keep"
    awk -v k="$t.keep" '{printf "%.2f %.0f %s %.1f\n", $1 + $2, $3 / 1024, k, $4}' "$t"
    rm -f "$t" "$t.out"
}

size=$(stat -c %s "$trace")
echo "trace $trace: $((size / 1000000)) MB"
i=0
while [ "$i" -lt "$runs" ]; do
    i=$((i + 1))
    set -- $(timed "$ours" bench "$trace")
    json=$(cat "$3"); rm -f "$3"
    field() { echo "$json" | sed "s/.*\"$1\":\([0-9.]*\).*/\1/"; }
    mb() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }
    echo "gotraceview  first_frame_ms=$(field first_frame_ms) load_ms=$(field load_ms)" \
        "cpu_s=$1 peak_rss_mb=$(mb "$(field peak_rss_bytes)") events=$(field events)" \
        "goroutines=$(field goroutines) overview=$(echo "$json" | grep -q '"overview":true' && echo yes || echo no)"
    set -- $(timed "$oracle" parse "$trace")
    out=$(cat "$3"); rm -f "$3"
    parse_ms=$(echo "$out" | sed 's/.*parse_ns \([0-9]*\).*/\1/' | awk '{printf "%.0f", $1 / 1e6}')
    echo "traceoracle  parse_ms=$parse_ms cpu_s=$1 peak_rss_mb=$2"
done
if [ "${SUMMARY:-0}" = 1 ]; then
    set -- $(timed "$oracle" summary "$trace")
    rm -f "$3"
    echo "traceoracle summary  wall_s=$4 cpu_s=$1 peak_rss_mb=$2"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
