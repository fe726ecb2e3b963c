#!/bin/sh
# generate.sh: regenerate everything under testdata/ (see testdata/README.md).
#
#   testdata/gen/generate.sh            # all of it
#   SCENARIOS="stall gc" VERSIONS="1.27.3" testdata/gen/generate.sh   # a subset
#   SCENARIOS=whyslow TRACES_ONLY=1 testdata/gen/generate.sh   # new traces only
#
# 1. builds traceoracle and txt2bin (../../../shared/tools) and tracefacts,
#    fuzz2bin (gen/tools) into a temp dir;
# 2. runs every scenario gen/<scenario>.go with every Go version (Go 1.19 is
#    Debian's golang-1.19-go, the others come from shared/tools/go.sh) into
#    traces/<scenario>_go1NN.trace, checks that Go 1.27.3's parser accepts it
#    (stall_*: also that no user goroutine runs for >= 900 ms), and writes
#    traces/<name>.summary.json.gz (traceoracle summary) and
#    traces/<name>.mmu.json.gz (traceoracle mmu);
#    Known Go bugs: rejected/ holds real traces that Go's parser rejects
#    (cgo callbacks from C threads with Go 1.19 and 1.21, see cgo.go), with
#    .expect files;
# 3. converts Go 1.27.3's textual parser tests into gotests/ (txt2bin),
#    copies Go's v1 sample traces into v1/ and decodes the FuzzReader corpus
#    into fuzzseeds/;
# 4. writes traces/FACTS.md (tracefacts: what each trace shows) and, if
#    gen/godump-digests.sh is there, refreshes the *.dump.digest files.
# Only the files it makes are replaced: other files in these directories stay.
# With TRACES_ONLY=1 it makes only the scenario traces asked for (step 2),
# rewrites FACTS.md (tracefacts is deterministic: the other sections stay
# as they were) and writes the dump digests (godump-digests.sh) and pprof
# expectations (pprof-expect.sh) of those traces alone, leaving rejected/,
# gotests/, v1/, fuzzseeds/ and every other trace's files untouched.
#
# Environment: TOOLS (default: ../../../shared/tools), GO119 (default
# /usr/lib/go-1.19/bin/go), VERSIONS, SCENARIOS, GEN_GOMAXPROCS (default 2),
# TRACES_ONLY.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
td=$(dirname "$here")
TOOLS=${TOOLS:-$(cd "$td/../.." && pwd)/shared/tools}
GO="$TOOLS/go.sh"
GO119=${GO119:-/usr/lib/go-1.19/bin/go}
VERSIONS=${VERSIONS:-1.19 1.21.13 1.22.10 1.23.9 1.25.5 1.26.6 1.27.3}
SCENARIOS=${SCENARIOS:-stall gc annotations blocking cpuprofile cgo coro churn gens whyslow}
TRACES_ONLY=${TRACES_ONLY:-}
GEN_GOMAXPROCS=${GEN_GOMAXPROCS:-2}
export GO111MODULE=off GOFLAGS= GOTOOLCHAIN=local CGO_ENABLED=1

t0=$(date +%s)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bin=$tmp/bin
mkdir -p "$bin"

echo "== building tools"
"$TOOLS/build.sh" traceoracle "$bin/traceoracle"
"$TOOLS/build.sh" txt2bin "$bin/txt2bin"
GO="$GO" "$here/tools/build.sh" tracefacts "$bin/tracefacts"
(cd "$here/tools/fuzz2bin" && "$GO" 1.27.3 build -trimpath -o "$bin/fuzz2bin" main.go)
goroot=$("$GO" 1.27.3 env GOROOT)
gotrace=$goroot/src/internal/trace

# oracle FILE: write FILE's summary and MMU next to it, gzipped.
oracle() {
	base=${1%.trace}
	"$bin/traceoracle" summary "$1" >"$tmp/summary.json"
	"$bin/traceoracle" mmu "$1" >"$tmp/mmu.json"
	gzip -n -9 -c "$tmp/summary.json" >"$base.summary.json.gz"
	gzip -n -9 -c "$tmp/mmu.json" >"$base.mmu.json.gz"
}

failed=""
skipped=""
made=""
mkdir -p "$td/traces"
for v in $VERSIONS; do
	minor=$(echo "$v" | cut -d. -f2)
	tag=go1$minor
	if [ "$v" = 1.19 ]; then gocmd=$GO119; else gocmd="$GO $v"; fi
	for s in $SCENARIOS; do
		name=${s}_$tag
		out=$td/traces/$name.trace
		if [ "$s" = coro ] && [ "$minor" -lt 23 ]; then
			skipped="$skipped $name(iter.Pull needs Go 1.23)"
			rm -f "$out" "$td/traces/$name".*.gz
			continue
		fi
		args=
		if [ "$s" = churn ]; then args=10ms; fi
		ok=
		for attempt in 1 2 3; do
			echo "== $name (attempt $attempt)"
			rm -f "$out"
			# shellcheck disable=SC2086
			if (cd "$here" && GOMAXPROCS=$GEN_GOMAXPROCS $gocmd run -trimpath "$s.go" "$out" $args) &&
				"$bin/traceoracle" parse "$out" &&
				{ [ "$s" != stall ] || "$bin/tracefacts" -gap 900ms "$out"; }; then
				ok=1
				break
			fi
		done
		if [ -z "$ok" ]; then
			failed="$failed $name"
			rm -f "$out" "$td/traces/$name".*.gz
			continue
		fi
		oracle "$out"
		made="$made $out"
	done
done

if [ -z "$TRACES_ONLY" ]; then

# Known Go bugs: real traces that Go's parser rejects, kept as negative
# tests (see cgo.go): C-thread callbacks with Go 1.19, concurrent C-thread
# callbacks with Go 1.21.
mkdir -p "$td/rejected"
for case in "1.19 sequential cgo-cthread_go119" "1.21.13 concurrent cgo-concurrent_go121"; do
	set -- $case
	case " $VERSIONS " in *" $1 "*) ;; *) continue ;; esac
	case " $SCENARIOS " in *" cgo "*) ;; *) continue ;; esac
	if [ "$1" = 1.19 ]; then gocmd=$GO119; else gocmd="$GO $1"; fi
	out=$td/rejected/$3.trace
	ok=
	for attempt in 1 2 3; do
		echo "== rejected/$3 (attempt $attempt)"
		if (cd "$here" && GOMAXPROCS=$GEN_GOMAXPROCS $gocmd run -trimpath cgo.go "$out" "$2") &&
			! msg=$("$bin/traceoracle" parse "$out" 2>&1); then
			echo "$msg"
			printf 'FAILURE "%s"\n' "${msg#parse error: }" >"$td/rejected/$3.expect"
			ok=1
			break
		fi
	done
	if [ -z "$ok" ]; then failed="$failed rejected/$3(not rejected)"; fi
done

echo "== gotests (txt2bin of $gotrace/testdata/tests)"
mkdir -p "$td/gotests"
rm -f "$td"/gotests/*.trace "$td"/gotests/*.expect "$td"/gotests/*.json.gz
"$bin/txt2bin" "$td/gotests" "$gotrace"/testdata/tests/*.test
for e in "$td"/gotests/*.expect; do
	tr=${e%.expect}.trace
	case $(head -n 1 "$e") in
	SUCCESS)
		if ! "$bin/traceoracle" parse "$tr" >/dev/null; then failed="$failed gotests/$(basename "$tr")(expected SUCCESS)"; fi
		oracle "$tr"
		;;
	FAILURE*)
		re=$(head -n 1 "$e" | sed 's/^FAILURE "\(.*\)"$/\1/')
		if msg=$("$bin/traceoracle" parse "$tr" 2>&1); then
			failed="$failed gotests/$(basename "$tr")(expected FAILURE)"
		elif ! echo "$msg" | grep -Eq "$re"; then
			failed="$failed gotests/$(basename "$tr")(error '$msg' does not match '$re')"
		fi
		;;
	*) failed="$failed gotests/$(basename "$e")(neither SUCCESS nor FAILURE)" ;;
	esac
done
fi

if [ -z "$TRACES_ONLY" ]; then
echo "== v1 sample traces ($gotrace/internal/tracev1/testdata)"
mkdir -p "$td/v1"
rm -f "$td"/v1/*.trace "$td"/v1/*.json.gz
for f in "$gotrace"/internal/tracev1/testdata/*_good; do
	cp "$f" "$td/v1/$(basename "$f").trace"
	if "$bin/traceoracle" parse "$td/v1/$(basename "$f").trace"; then
		oracle "$td/v1/$(basename "$f").trace"
	else
		failed="$failed v1/$(basename "$f")"
	fi
done

echo "== fuzz seeds ($gotrace/testdata/fuzz/FuzzReader)"
mkdir -p "$td/fuzzseeds"
rm -f "$td"/fuzzseeds/*.trace "$td"/fuzzseeds/*.expect
"$bin/fuzz2bin" "$td/fuzzseeds" "$gotrace"/testdata/fuzz/FuzzReader/*
for f in "$td"/fuzzseeds/*.trace; do
	# What Go's parser says: SUCCESS, or FAILURE and its error message.
	if msg=$("$bin/traceoracle" parse "$f" 2>&1); then
		echo SUCCESS >"${f%.trace}.expect"
	else
		printf 'FAILURE\n%s\n' "${msg#parse error: }" >"${f%.trace}.expect"
	fi
done
fi

echo "== FACTS.md"
{
	echo "# What each generated trace shows"
	echo
	echo "Written by gen/generate.sh with gen/tools/tracefacts (Go 1.27.3's parser)."
	echo "Times are from the first event of the trace. \"User goroutine\": one whose"
	echo "start function is outside runtime and runtime/trace."
	echo
	"$bin/tracefacts" "$td"/traces/*.trace "$td"/v1/*.trace
} >"$td/traces/FACTS.md"

# The digests of Go's event dumps (godump-digests.sh, maintained next to this
# script) describe the traces just written: refresh them.
if [ -n "$TRACES_ONLY" ]; then
	# Only the traces just made, and their pprof expectations too.
	if [ -n "$made" ]; then
		echo "== godump-digests.sh and pprof-expect.sh of$made"
		# shellcheck disable=SC2086
		"$here/godump-digests.sh" $made || failed="$failed godump-digests.sh"
		# shellcheck disable=SC2086
		"$here/pprof-expect.sh" $made || failed="$failed pprof-expect.sh"
	fi
elif [ -x "$here/godump-digests.sh" ]; then
	echo "== godump-digests.sh"
	"$here/godump-digests.sh" || failed="$failed godump-digests.sh"
fi

echo "== done in $(($(date +%s) - t0)) s"
du -sh "$td"
if [ -n "$skipped" ]; then echo "skipped:$skipped"; fi
if [ -n "$failed" ]; then
	echo "FAILED:$failed"
	exit 1
fi
