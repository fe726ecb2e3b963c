// v1dump: prints every event Go's own trace parser (internal/trace) reads
// from a trace, one line per event, in the form of gotraceview's test-only
// `trace::v1::testdump::dump_line`: the oracle of the v1 reader's tests,
// which compare windows of events with equal timestamps as sets (Go orders
// those differently from run to run), so they need one event per line.
// Build it with ../build.sh (it uses Go's internal packages); gen.sh writes
// the expected streams.
//
// Usage: v1dump FILE > FILE.events.txt
//
// Line format (fields separated by one space, strings escaped: `\` -> `\\`,
// newline -> `\n`):
//
//	<Kind> t=<time> g=<G> p=<P> m=<M> [stack=[...]] <details>
//
// details per kind:
//
//	Sync             n=<N> [snapshot=<trace>/<mono>/<wall unix ns>]
//	Metric           name=<name> value=<uint64>
//	Label            label=<s> resource=<ResourceID>
//	StackSample      (the stack is the event stack)
//	Range*           name=<s> scope=<ResourceID> [attrs=[<name>=<v>,...]]
//	TaskBegin/End    task=<id> parent=<id> type=<s>
//	RegionBegin/End  task=<id> type=<s>
//	Log              task=<id> category=<s> message=<s>
//	StateTransition  resource=<ResourceID> <from>-><to> reason=<s> [tstack=[...]]
//	Experimental     name=<s> args=[<name>=<v>,...]
//
// A stack is [<frame>; <frame>; ...], a frame `0x<pc> <func> <file>:<line>`.
//
// N.B. One canonicalisation: for v1 traces Go synthesises a GoStatus
// (Undetermined->Runnable, no G/P/M) for each goroutine created before the
// first GOMAXPROCS event, iterating a Go map, so their order is random from
// run to run. Runs of such events are sorted by goroutine ID here, keeping
// the times in place (the converter gives them consecutive times).
package main

import (
	"bufio"
	"fmt"
	"internal/trace"
	"io"
	"os"
	"sort"
	"strings"
)

func esc(s string) string {
	if !strings.ContainsAny(s, "\\\n") {
		return s
	}
	s = strings.ReplaceAll(s, "\\", "\\\\")
	return strings.ReplaceAll(s, "\n", "\\n")
}

func stack(s trace.Stack) string {
	var parts []string
	for f := range s.Frames() {
		parts = append(parts, fmt.Sprintf("0x%x %s %s:%d", f.PC, esc(f.Func), esc(f.File), f.Line))
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func value(v trace.Value) string {
	switch v.Kind() {
	case trace.ValueUint64:
		return fmt.Sprint(v.Uint64())
	case trace.ValueString:
		return esc(v.String())
	}
	return "?"
}

func line(ev *trace.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s t=%d g=%d p=%d m=%d", ev.Kind(), ev.Time(), ev.Goroutine(), ev.Proc(), ev.Thread())
	if s := ev.Stack(); s != trace.NoStack {
		fmt.Fprintf(&b, " stack=%s", stack(s))
	}
	switch ev.Kind() {
	case trace.EventSync:
		s := ev.Sync()
		fmt.Fprintf(&b, " n=%d", s.N)
		if c := s.ClockSnapshot; c != nil {
			fmt.Fprintf(&b, " snapshot=%d/%d/%d", c.Trace, c.Mono, c.Wall.UnixNano())
		}
	case trace.EventMetric:
		m := ev.Metric()
		fmt.Fprintf(&b, " name=%s value=%s", esc(m.Name), value(m.Value))
	case trace.EventLabel:
		l := ev.Label()
		fmt.Fprintf(&b, " label=%s resource=%s", esc(l.Label), l.Resource)
	case trace.EventRangeBegin, trace.EventRangeActive, trace.EventRangeEnd:
		r := ev.Range()
		fmt.Fprintf(&b, " name=%s scope=%s", esc(r.Name), r.Scope)
		if ev.Kind() == trace.EventRangeEnd {
			if attrs := ev.RangeAttributes(); len(attrs) > 0 {
				var parts []string
				for _, a := range attrs {
					parts = append(parts, esc(a.Name)+"="+value(a.Value))
				}
				fmt.Fprintf(&b, " attrs=[%s]", strings.Join(parts, ","))
			}
		}
	case trace.EventTaskBegin, trace.EventTaskEnd:
		t := ev.Task()
		fmt.Fprintf(&b, " task=%d parent=%d type=%s", t.ID, t.Parent, esc(t.Type))
	case trace.EventRegionBegin, trace.EventRegionEnd:
		r := ev.Region()
		fmt.Fprintf(&b, " task=%d type=%s", r.Task, esc(r.Type))
	case trace.EventLog:
		l := ev.Log()
		fmt.Fprintf(&b, " task=%d category=%s message=%s", l.Task, esc(l.Category), esc(l.Message))
	case trace.EventStateTransition:
		st := ev.StateTransition()
		fmt.Fprintf(&b, " resource=%s", st.Resource)
		switch st.Resource.Kind {
		case trace.ResourceGoroutine:
			from, to := st.Goroutine()
			fmt.Fprintf(&b, " %s->%s", from, to)
		case trace.ResourceProc:
			from, to := st.Proc()
			fmt.Fprintf(&b, " %s->%s", from, to)
		}
		fmt.Fprintf(&b, " reason=%s", esc(st.Reason))
		if st.Stack != trace.NoStack {
			fmt.Fprintf(&b, " tstack=%s", stack(st.Stack))
		}
	case trace.EventExperimental:
		x := ev.Experimental()
		var parts []string
		for i, a := range x.Args {
			v := x.ArgValue(i)
			parts = append(parts, a+"="+value(v))
		}
		fmt.Fprintf(&b, " name=%s args=[%s]", x.Name, strings.Join(parts, ","))
	}
	return b.String()
}

// synthesized reports whether ev is a GoStatus the v1 converter made up for a
// goroutine created before tracing started (see the N.B. above).
func synthesized(ev *trace.Event) bool {
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

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: v1dump FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	r, err := trace.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		fmt.Fprintf(w, "error: %v\n", err)
		return
	}
	var run []trace.Event
	flush := func() {
		if len(run) == 0 {
			return
		}
		times := make([]trace.Time, len(run))
		for i := range run {
			times[i] = run[i].Time()
		}
		sort.SliceStable(run, func(i, j int) bool {
			return run[i].StateTransition().Resource.Goroutine() < run[j].StateTransition().Resource.Goroutine()
		})
		for i := range run {
			l := line(&run[i])
			// Put the time back in its place.
			_, rest, _ := strings.Cut(l, " g=")
			fmt.Fprintf(w, "StateTransition t=%d g=%s\n", times[i], rest)
		}
		run = run[:0]
	}
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			flush()
			fmt.Fprintf(w, "error: %v\n", err)
			return
		}
		if synthesized(&ev) {
			run = append(run, ev)
			continue
		}
		flush()
		fmt.Fprintln(w, line(&ev))
	}
	flush()
}
