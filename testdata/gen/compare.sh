#!/bin/sh
# compare.sh: the pairs of traces of testdata/compare/ (see compare.go),
# for Go 1.22 and 1.27, on 2 Ps:
#   compare_base_goNNN    the baseline
#   compare_same_goNNN    the baseline run again (no change above the floors)
#   compare_lock_goNNN    the shared mutex held 400 µs instead of 100 µs
#   compare_syscall_goNNN each request also makes a 500 µs nanosleep(2)
#   compare_gc_goNNN      32 times the garbage per allocator batch
# Run from the repository root: testdata/gen/compare.sh
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=$here/../compare
GO=${GO:-$here/../../../shared/tools/go.sh}
mkdir -p "$out"
for v in 1.22.10 1.27.3; do
	tag=go1$(echo "$v" | cut -d. -f2)
	run() {
		name=$1
		shift
		# N.B. at the highest priority: on a machine shared with builds, the
		# sleeps and the scheduling of a normal one stretch by up to 2x.
		(cd "$here" && GOMAXPROCS=2 nice -n -19 "$GO" "$v" run -trimpath compare.go "$@" "$out/compare_${name}_$tag.trace" >/dev/null)
	}
	run base
	run same
	run lock -hold 400us
	run syscall -extra-syscall 500us
	run gc -alloc 524288
done
ls -l "$out"
