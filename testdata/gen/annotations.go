// annotations.go: story 4 of DESIGN.md, tasks, regions and logs.
//
// Usage: go run -trimpath annotations.go OUT.trace
//
// 8 workers (main.worker) serve 240 requests. Each request is a task
// "request" with a child task "backend" (and, for every 4th request, a
// grandchild task "retry"); the task of a request is ended by the worker, the
// backend task by a goroutine of its own (main.backend). Regions:
//
//   - "handle" (one per request) with nested "parse", "db.query" (itself
//     with a nested "db.lock" when the request takes the lock) and "render";
//   - "fanout" in the worker and "shard" regions in 3 goroutines
//     (main.shard) under the same request task: one task, regions on several
//     goroutines;
//   - region types repeat with durations spread over two orders of magnitude
//     (sleeps and busy loops from ~20 µs to ~5 ms): latency histograms;
//   - trace.WithRegion("cache.fill") and regions outside any task.
//
// Logs: key/value pairs (user, status, bytes, an empty key, a long message).
// Every task and region ends except one task "leaked" (begun, never ended)
// and one region "stuck" whose goroutine (main.stuckInRegion) is still
// blocked in it when the trace stops.
package main

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"runtime/trace"
	"strings"
	"sync"
	"time"
)

var (
	rngMu sync.Mutex
	rng   = rand.New(rand.NewSource(42))
)

// randDur returns a duration between 20 µs and ~5 ms, log-uniform.
func randDur(max time.Duration) time.Duration {
	rngMu.Lock()
	defer rngMu.Unlock()
	lo, hi := 20e3, float64(max)
	return time.Duration(lo * math.Pow(hi/lo, rng.Float64()))
}

var spinSink uint64

// busy burns CPU for about d.
func busy(d time.Duration) {
	t := time.Now()
	x := spinSink
	for time.Since(t) < d {
		for i := 0; i < 1000; i++ {
			x = x*31 + uint64(i)
		}
	}
	spinSink = x
}

var dbLock sync.Mutex

func handle(ctx context.Context, id int) {
	defer trace.StartRegion(ctx, "handle").End()
	trace.Log(ctx, "user", []string{"alice", "bob", "carol", "dave"}[id%4])

	r := trace.StartRegion(ctx, "parse")
	busy(randDur(500 * time.Microsecond))
	r.End()

	r = trace.StartRegion(ctx, "db.query")
	if id%3 == 0 {
		lr := trace.StartRegion(ctx, "db.lock")
		dbLock.Lock()
		time.Sleep(randDur(time.Millisecond))
		dbLock.Unlock()
		lr.End()
	} else {
		time.Sleep(randDur(5 * time.Millisecond))
	}
	r.End()

	// Fan out to 3 shards under the same task.
	fr := trace.StartRegion(ctx, "fanout")
	var wg sync.WaitGroup
	for s := 0; s < 3; s++ {
		wg.Add(1)
		go shard(ctx, id, s, &wg)
	}
	wg.Wait()
	fr.End()

	trace.WithRegion(ctx, "render", func() {
		busy(randDur(2 * time.Millisecond))
	})
	n := 100 + id*37%4000
	trace.Logf(ctx, "bytes", "%d", n)
	status := 200
	if id%17 == 0 {
		status = 503
	}
	trace.Logf(ctx, "status", "%d", status)
	if id%50 == 0 {
		trace.Log(ctx, "", "a log with an empty key")
		trace.Log(ctx, "detail", strings.Repeat("long message ", 20))
	}
}

func shard(ctx context.Context, id, s int, wg *sync.WaitGroup) {
	defer wg.Done()
	defer trace.StartRegion(ctx, "shard").End()
	trace.Logf(ctx, "shard", "%d/%d", id, s)
	if s == 2 {
		busy(randDur(300 * time.Microsecond))
	} else {
		time.Sleep(randDur(2 * time.Millisecond))
	}
}

func backend(ctx context.Context, id int, done chan<- struct{}) {
	ctx, task := trace.NewTask(ctx, "backend")
	defer close(done)
	defer task.End()
	trace.WithRegion(ctx, "backend.call", func() {
		time.Sleep(randDur(3 * time.Millisecond))
	})
	if id%4 == 0 {
		rctx, retry := trace.NewTask(ctx, "retry")
		trace.Logf(rctx, "attempt", "%d", 2)
		trace.WithRegion(rctx, "backend.call", func() {
			time.Sleep(randDur(time.Millisecond))
		})
		retry.End()
	}
}

func worker(reqs <-chan int, wg *sync.WaitGroup) {
	defer wg.Done()
	for id := range reqs {
		ctx, task := trace.NewTask(context.Background(), "request")
		trace.Logf(ctx, "id", "%d", id)
		done := make(chan struct{})
		go backend(ctx, id, done)
		handle(ctx, id)
		<-done
		task.End()
		// Cache fills happen outside any task.
		if id%10 == 0 {
			trace.WithRegion(context.Background(), "cache.fill", func() {
				busy(randDur(time.Millisecond))
			})
		}
	}
}

// stuckInRegion stays in region "stuck" (of task "leaked") until the trace
// has stopped.
func stuckInRegion(ctx context.Context, in chan<- struct{}, stuck <-chan struct{}) {
	defer trace.StartRegion(ctx, "stuck").End()
	close(in)
	<-stuck
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: annotations OUT.trace")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}

	// The open task and the open region.
	lctx, _ := trace.NewTask(context.Background(), "leaked")
	trace.Log(lctx, "note", "this task is never ended")
	stuck := make(chan struct{})
	stuckIn := make(chan struct{})
	go stuckInRegion(lctx, stuckIn, stuck)
	<-stuckIn

	reqs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go worker(reqs, &wg)
	}
	for id := 1; id <= 240; id++ {
		reqs <- id
	}
	close(reqs)
	wg.Wait()

	trace.Stop()
	close(stuck)
	if err := f.Close(); err != nil {
		panic(err)
	}
}
