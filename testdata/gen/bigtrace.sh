#!/bin/sh
# bigtrace.sh OUT [DURATION [MAXSIZE]]: write the benchmark trace (story 5 of DESIGN.md)
# with gen/churn.go and Go 1.27.3, then read it once with Go's parser
# (traceoracle parse: event count and parse time). Not committed: it is big.
#
# Without DURATION the run stops when the trace reaches 250 MB (at most
# 30 s; on the 2-CPU machine the testdata was made on that took 4-6 s,
# depending on the machine's load: see testdata/README.md). With DURATION
# (e.g. 5s) it runs that long, or until the trace reaches MAXSIZE (870MB,
# 3GB: the big benchmark traces of the README). GOMAXPROCS is left alone
# (all CPUs). Environment: TOOLS, as generate.sh.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
TOOLS=${TOOLS:-$(cd "$here/../../.." && pwd)/shared/tools}
out=$(realpath -m "$1")
if [ $# -ge 3 ]; then set -- "$2" "$3"; elif [ $# -ge 2 ]; then set -- "$2"; else set -- 30s 250MB; fi
export GO111MODULE=off GOFLAGS= GOTOOLCHAIN=local
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$here" && "$TOOLS/go.sh" 1.27.3 run -trimpath churn.go "$out" "$@")
ls -l "$out"
"$TOOLS/build.sh" traceoracle "$tmp/traceoracle"
"$tmp/traceoracle" parse "$out"
