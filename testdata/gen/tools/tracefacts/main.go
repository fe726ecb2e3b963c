// tracefacts: what a viewer user should see in a trace, computed with the Go
// toolchain's own parser (internal/trace), for testdata/README.md and as a
// check of the generators (e.g. that stall_* really has a ~1 s window in
// which no user goroutine runs and the Ps are idle). Built inside a GOROOT
// like shared/tools/traceoracle (see ../build.sh). Usage:
//
//	tracefacts FILE...           print a Markdown section per file
//	tracefacts -gap MIN FILE     exit 1 unless FILE has a window of at least
//	                             MIN (a Go duration) in which no user
//	                             goroutine (start function outside runtime
//	                             and runtime/trace) runs; print it and how
//	                             long some P ran inside it
//
// "Windows with every P idle" are computed from the P state transitions; in
// v2 traces (Go >= 1.22) they are cut every 100 ms by the runtime's
// CPU-profile reader goroutine, hence the user-goroutine windows.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"internal/trace"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

type gap struct {
	start, end trace.Time
}

func (g gap) dur() time.Duration { return g.end.Sub(g.start) }

type block struct {
	g         trace.GoID
	start     trace.Time
	dur       time.Duration
	reason    string
	stack     []string
	unblocker trace.GoID
	unblockSt []string
}

type facts struct {
	name     string
	header   string
	events   int
	minT     trace.Time
	maxT     trace.Time
	procs    map[trace.ProcID]bool
	threads  map[trace.ThreadID]bool
	gs       map[trace.GoID]bool
	gaps     []gap // windows with no running P, longest first
	ugaps    []gap // windows with no running user (non-runtime) goroutine
	pbusy    []gap // spans in which some P runs
	stwDur   []time.Duration
	ranges   map[string]int
	stw      map[string]int
	reasons  map[string]int
	trans    map[string]int
	metrics  map[string]int
	lastHeap uint64
	maxHeap  uint64
	samples  int
	tasks    [2]int
	regions  [2]int
	logs     int
	regTypes map[string]int
	logKeys  map[string]int
	gens     int
	longest  *block // longest Waiting of a user goroutine
	longestG map[trace.GoID]*block
	longWait *block   // longest Waiting with main.wait on the stack
	stalled  []*block // Waiting >= 500 ms with main.wait on the stack
	groups   map[string]int
	err      error
}

func frames(s trace.Stack) []string {
	var out []string
	for f := range s.Frames() {
		out = append(out, fmt.Sprintf("%s (%s:%d)", f.Func, f.File, f.Line))
	}
	return out
}

func read(path string) *facts {
	fa := &facts{name: filepath.Base(path), minT: -1, procs: map[trace.ProcID]bool{}, threads: map[trace.ThreadID]bool{},
		gs: map[trace.GoID]bool{}, ranges: map[string]int{}, stw: map[string]int{}, reasons: map[string]int{},
		trans: map[string]int{}, metrics: map[string]int{}, regTypes: map[string]int{}, logKeys: map[string]int{},
		groups: map[string]int{}, longestG: map[trace.GoID]*block{}}
	f, err := os.Open(path)
	if err != nil {
		fa.err = err
		return fa
	}
	defer f.Close()
	var hdr [16]byte
	io.ReadFull(f, hdr[:])
	fa.header = strings.TrimRight(string(hdr[:]), "\x00")
	f.Seek(0, io.SeekStart)
	r, err := trace.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		fa.err = err
		return fa
	}
	sum := trace.NewSummarizer()
	running := map[trace.ProcID]bool{}
	nrun := 0
	var idleSince, busySince, stwStart trace.Time = -1, -1, -1
	type wait struct {
		t      trace.Time
		reason string
		stack  trace.Stack
	}
	waiting := map[trace.GoID]wait{}
	type span struct {
		g          trace.GoID
		start, end trace.Time
	}
	var spans []span
	execSince := map[trace.GoID]trace.Time{}
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			fa.err = err
			break
		}
		fa.events++
		t := ev.Time()
		if fa.minT < 0 {
			fa.minT = t
			idleSince = -1
		}
		fa.maxT = t
		if p := ev.Proc(); p != trace.NoProc {
			fa.procs[p] = true
		}
		if th := ev.Thread(); th != trace.NoThread {
			fa.threads[th] = true
		}
		switch ev.Kind() {
		case trace.EventSync:
			fa.gens++
		case trace.EventStateTransition:
			st := ev.StateTransition()
			switch st.Resource.Kind {
			case trace.ResourceProc:
				p := st.Resource.Proc()
				fa.procs[p] = true
				_, to := st.Proc()
				was := running[p]
				now := to.Executing()
				running[p] = now
				if was && !now {
					nrun--
					if nrun == 0 {
						idleSince = t
						fa.pbusy = append(fa.pbusy, gap{busySince, t})
					}
				} else if !was && now {
					if nrun == 0 {
						if idleSince >= 0 {
							fa.gaps = append(fa.gaps, gap{idleSince, t})
						}
						busySince = t
					}
					nrun++
				}
			case trace.ResourceGoroutine:
				g := st.Resource.Goroutine()
				fa.gs[g] = true
				from, to := st.Goroutine()
				fa.trans[from.String()+"->"+to.String()]++
				if to.Executing() {
					if _, ok := execSince[g]; !ok {
						execSince[g] = t
					}
				} else if t0, ok := execSince[g]; ok {
					spans = append(spans, span{g, t0, t})
					delete(execSince, g)
				}
				if from != to && to == trace.GoWaiting {
					fa.reasons[st.Reason]++
					waiting[g] = wait{t, st.Reason, ev.Stack()}
				}
				if from == trace.GoWaiting && to != trace.GoWaiting {
					if w, ok := waiting[g]; ok && w.t >= 0 {
						delete(waiting, g)
						b := &block{g: g, start: w.t, dur: t.Sub(w.t), reason: w.reason, stack: frames(w.stack),
							unblocker: ev.Goroutine(), unblockSt: frames(ev.Stack())}
						if l := fa.longestG[g]; l == nil || b.dur > l.dur {
							fa.longestG[g] = b
						}
						if strings.Contains(strings.Join(b.stack, " "), "main.wait ") {
							if fa.longWait == nil || b.dur > fa.longWait.dur {
								fa.longWait = b
							}
							if b.dur >= 500*time.Millisecond {
								fa.stalled = append(fa.stalled, b)
							}
						}
					}
				}
			}
		case trace.EventRangeBegin:
			n := ev.Range().Name
			if strings.HasPrefix(n, "stop-the-world") {
				stwStart = t
				fa.stw[n]++
				n = "stop-the-world"
			}
			fa.ranges[n]++
		case trace.EventRangeEnd:
			if strings.HasPrefix(ev.Range().Name, "stop-the-world") && stwStart >= 0 {
				fa.stwDur = append(fa.stwDur, t.Sub(stwStart))
				stwStart = -1
			}
		case trace.EventMetric:
			m := ev.Metric()
			fa.metrics[m.Name]++
			if m.Name == "/memory/classes/heap/objects:bytes" {
				fa.lastHeap = m.Value.Uint64()
				if fa.lastHeap > fa.maxHeap {
					fa.maxHeap = fa.lastHeap
				}
			}
		case trace.EventStackSample:
			fa.samples++
		case trace.EventTaskBegin:
			fa.tasks[0]++
		case trace.EventTaskEnd:
			fa.tasks[1]++
		case trace.EventRegionBegin:
			fa.regions[0]++
			fa.regTypes[ev.Region().Type]++
		case trace.EventRegionEnd:
			fa.regions[1]++
		case trace.EventLog:
			fa.logs++
			fa.logKeys[ev.Log().Category]++
		}
		sum.Event(&ev)
	}
	if nrun == 0 && idleSince >= 0 && fa.maxT > idleSince {
		fa.gaps = append(fa.gaps, gap{idleSince, fa.maxT})
	}
	sort.Slice(fa.gaps, func(i, j int) bool { return fa.gaps[i].dur() > fa.gaps[j].dur() })
	for g, t0 := range execSince {
		spans = append(spans, span{g, t0, fa.maxT})
	}
	names := map[trace.GoID]string{}
	if fa.err == nil {
		for id, g := range sum.Finalize().Goroutines {
			fa.groups[g.Name]++
			names[id] = g.Name
		}
	}
	for g, b := range fa.longestG {
		if n := names[g]; n == "" || strings.HasPrefix(n, "runtime.") || strings.HasPrefix(n, "runtime/trace.") {
			continue
		}
		if fa.longest == nil || b.dur > fa.longest.dur || b.dur == fa.longest.dur && b.g < fa.longest.g {
			fa.longest = b
		}
	}
	// Windows in which no user goroutine executes: the union of the
	// executing spans of goroutines whose start function is not in the
	// runtime (or runtime/trace, whose goroutine writes the trace out), and
	// its complement.
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	end := fa.minT
	for _, s := range spans {
		if n := names[s.g]; n == "" || strings.HasPrefix(n, "runtime.") || strings.HasPrefix(n, "runtime/trace.") {
			continue
		}
		if s.start > end {
			fa.ugaps = append(fa.ugaps, gap{end, s.start})
		}
		if s.end > end {
			end = s.end
		}
	}
	if fa.maxT > end {
		fa.ugaps = append(fa.ugaps, gap{end, fa.maxT})
	}
	sort.Slice(fa.ugaps, func(i, j int) bool { return fa.ugaps[i].dur() > fa.ugaps[j].dur() })
	return fa
}

func top(m map[string]int, n int) string {
	type kv struct {
		k string
		v int
	}
	var s []kv
	for k, v := range m {
		s = append(s, kv{k, v})
	}
	sort.Slice(s, func(i, j int) bool {
		if s[i].v != s[j].v {
			return s[i].v > s[j].v
		}
		return s[i].k < s[j].k
	})
	var out []string
	for i, x := range s {
		if i == n {
			out = append(out, fmt.Sprintf("... (%d more)", len(s)-n))
			break
		}
		k := x.k
		if k == "" {
			k = `""`
		}
		out = append(out, fmt.Sprintf("%s ×%d", k, x.v))
	}
	return strings.Join(out, ", ")
}

// busyIn returns how long at least one P was running inside g.
func (fa *facts) busyIn(g gap) time.Duration {
	var d time.Duration
	for _, b := range fa.pbusy {
		s, e := b.start, b.end
		if s < g.start {
			s = g.start
		}
		if e > g.end {
			e = g.end
		}
		if e > s {
			d += e.Sub(s)
		}
	}
	return d
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/1e6) }

func (fa *facts) rel(t trace.Time) string { return ms(t.Sub(fa.minT)) }

func (fa *facts) print() {
	fmt.Printf("### %s\n\n", fa.name)
	if fa.err != nil {
		fmt.Printf("- **parse error**: %v\n\n", fa.err)
	}
	fmt.Printf("- header `%s`, %d events, %d generations, duration %s\n", fa.header, fa.events, fa.gens, ms(fa.maxT.Sub(fa.minT)))
	fmt.Printf("- %d goroutines, %d Ps, %d threads\n", len(fa.gs), len(fa.procs), len(fa.threads))
	fmt.Printf("- goroutine groups (start function): %s\n", top(fa.groups, 6))
	var gs []string
	for i, g := range fa.gaps {
		if i == 3 || g.dur() < time.Millisecond {
			break
		}
		gs = append(gs, fmt.Sprintf("%s at %s", ms(g.dur()), fa.rel(g.start)))
	}
	if len(gs) > 0 {
		fmt.Printf("- longest windows with every P idle: %s\n", strings.Join(gs, "; "))
	}
	gs = nil
	for i, g := range fa.ugaps {
		if i == 3 || g.dur() < time.Millisecond {
			break
		}
		gs = append(gs, fmt.Sprintf("%s at %s (Ps busy %s in it)", ms(g.dur()), fa.rel(g.start), ms(fa.busyIn(g))))
	}
	if len(gs) > 0 {
		fmt.Printf("- longest windows with no user goroutine running: %s\n", strings.Join(gs, "; "))
	}
	fmt.Printf("- block reasons: %s\n", top(fa.reasons, 12))
	if n := fa.trans["NotExist->Syscall"]; n > 0 {
		fmt.Printf("- goroutines created in syscall (cgo callbacks): %d, destroyed in syscall: %d\n", n, fa.trans["Syscall->NotExist"])
	}
	if n := fa.trans["NotExist->Waiting"]; n > 0 {
		fmt.Printf("- goroutines created blocked (coroutines, GoCreateBlocked): %d\n", n)
	}
	if len(fa.ranges) > 0 {
		fmt.Printf("- ranges: %s\n", top(fa.ranges, 10))
	}
	if len(fa.stw) > 0 {
		fmt.Printf("- STW reasons: %s\n", top(fa.stw, 10))
		if n := len(fa.stwDur); n > 0 {
			sort.Slice(fa.stwDur, func(i, j int) bool { return fa.stwDur[i] < fa.stwDur[j] })
			fmt.Printf("- STW pauses: median %s, longest %s\n", ms(fa.stwDur[n/2]), ms(fa.stwDur[n-1]))
		}
	}
	if fa.maxHeap > 0 {
		fmt.Printf("- heap objects up to %.1f MB; metrics: %s\n", float64(fa.maxHeap)/1e6, top(fa.metrics, 6))
	}
	if fa.samples > 0 {
		fmt.Printf("- CPU samples: %d\n", fa.samples)
	}
	if fa.tasks[0]+fa.tasks[1]+fa.regions[0]+fa.logs > 0 {
		fmt.Printf("- tasks begun/ended: %d/%d, regions begun/ended: %d/%d, logs: %d\n", fa.tasks[0], fa.tasks[1], fa.regions[0], fa.regions[1], fa.logs)
		fmt.Printf("- region types: %s\n", top(fa.regTypes, 8))
		fmt.Printf("- log keys: %s\n", top(fa.logKeys, 8))
	}
	if len(fa.stalled) > 0 {
		var ids []string
		for _, b := range fa.stalled {
			ids = append(ids, fmt.Sprintf("%d (%s, unblocked by %d)", b.g, ms(b.dur), b.unblocker))
		}
		fmt.Printf("- goroutines blocked >= 500 ms in main.wait: %s\n", strings.Join(ids, ", "))
	}
	for _, b := range []*block{fa.longWait, fa.longest} {
		if b == nil {
			continue
		}
		what := "longest block of a user goroutine"
		if b == fa.longWait {
			what = "longest block in main.wait"
		}
		fmt.Printf("- %s: goroutine %d, %s (%s) from %s, unblocked by goroutine %d\n", what, b.g, ms(b.dur), b.reason, fa.rel(b.start), b.unblocker)
		for i, s := range b.stack {
			if i == 4 {
				break
			}
			fmt.Printf("  - `%s`\n", s)
		}
		if b == fa.longWait {
			break
		}
	}
	fmt.Println()
}

func main() {
	minGap := flag.Duration("gap", 0, "exit 1 unless the trace has a window of at least this long with no user goroutine running")
	flag.Parse()
	if *minGap > 0 {
		fa := read(flag.Arg(0))
		if fa.err != nil {
			fmt.Fprintln(os.Stderr, fa.name, fa.err)
			os.Exit(1)
		}
		if len(fa.ugaps) == 0 || fa.ugaps[0].dur() < *minGap {
			fmt.Fprintf(os.Stderr, "%s: no window of %v with no user goroutine running\n", fa.name, *minGap)
			os.Exit(1)
		}
		g := fa.ugaps[0]
		fmt.Printf("%s: no user goroutine runs for %s from %s; Ps busy %s in it\n", fa.name, ms(g.dur()), fa.rel(g.start), ms(fa.busyIn(g)))
		return
	}
	bad := false
	for _, p := range flag.Args() {
		fa := read(p)
		fa.print()
		bad = bad || fa.err != nil
	}
	if bad {
		os.Exit(1)
	}
}
