// godump prints every event of a Go execution trace as Go's own parser
// (internal/trace) sees it, one Event.String() per event, so gotraceview's
// `dump` can be compared with it. Built inside a GOROOT like
// ../../../../shared/tools/build.sh does (see testdata/gen/tools/build.sh).
//
//	godump FILE          print events; a parse error ends with "ERROR: msg"
//	godump -digest FILE  print "events N sha256 HEX" of the same text
//
// N.B. One canonicalisation: for v1 traces (Go 1.11-1.21) Go makes up a
// GoStatus (Undetermined->Runnable, no G/P/M) for each goroutine created
// before the first GOMAXPROCS event, walking a Go map, so their order is
// random from run to run. Runs of such events are printed sorted by
// goroutine ID, the times staying in place (they are consecutive).
package main

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"internal/trace"
	"io"
	"os"
	"sort"
	"strings"
)

// madeUpStatus reports whether ev is a GoStatus the v1 converter made up for
// a goroutine created before tracing started (see the N.B. above).
func madeUpStatus(ev *trace.Event) bool {
	if ev.Kind() != trace.EventStateTransition || ev.Goroutine() != trace.NoGoroutine ||
		ev.Proc() != trace.NoProc || ev.Thread() != trace.NoThread {
		return false
	}
	st := ev.StateTransition()
	if st.Resource.Kind != trace.ResourceGoroutine {
		return false
	}
	from, to := st.Goroutine()
	return from == trace.GoUndetermined && to == trace.GoRunnable
}

// printRun prints made-up statuses sorted by goroutine ID, with the times
// they had in their original order.
func printRun(w io.Writer, run []trace.Event) {
	times := make([]trace.Time, len(run))
	for i := range run {
		times[i] = run[i].Time()
	}
	sort.SliceStable(run, func(i, j int) bool {
		return run[i].StateTransition().Resource.Goroutine() < run[j].StateTransition().Resource.Goroutine()
	})
	for i := range run {
		s := run[i].String()
		old := fmt.Sprintf(" Time=%d", run[i].Time())
		fmt.Fprintln(w, strings.Replace(s, old, fmt.Sprintf(" Time=%d", times[i]), 1))
	}
}

func main() {
	digest := false
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "-digest" {
		digest = true
		args = args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: godump [-digest] FILE")
		os.Exit(2)
	}
	f, err := os.Open(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	var w io.Writer = out
	h := sha256.New()
	if digest {
		w = h
	}
	n := 0
	r, err := trace.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		fmt.Fprintf(w, "ERROR: %v\n", err)
	} else {
		var run []trace.Event
		for {
			ev, err := r.ReadEvent()
			if err == io.EOF {
				break
			}
			if err != nil {
				printRun(w, run)
				run = nil
				fmt.Fprintf(w, "ERROR: %v\n", err)
				break
			}
			n++
			if madeUpStatus(&ev) {
				run = append(run, ev)
				continue
			}
			printRun(w, run)
			run = run[:0]
			fmt.Fprintln(w, ev.String())
		}
		printRun(w, run)
	}
	if digest {
		fmt.Fprintf(out, "events %d sha256 %x\n", n, h.Sum(nil))
	}
}
