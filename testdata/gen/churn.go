// churn.go: story 5 of DESIGN.md, the benchmark generator for big traces.
//
// Usage: go run -trimpath churn.go OUT.trace [DURATION [MAXSIZE]]
//
// DURATION defaults to 200ms. With MAXSIZE (bytes, or with a suffix MB or
// GB, e.g. 250MB = 250e6 bytes) the run also stops as soon as the trace file
// has reached that size (checked every 20 ms): the trace size per second
// depends on the machine and on its load.
//
// For DURATION, spawner goroutines (main.spawner, one per P) keep starting
// short-lived goroutines (main.job: hundreds of thousands per second), each
// of which allocates, takes one of 16 mutexes, and sends a result to the
// collector (main.collector) over a buffered channel; a 3-stage pipeline
// (main.stage, fed by main.feeder) passes messages over unbuffered channels;
// main.ticker opens a task "tick" with a region "report" and a log every
// 10 ms; allocation keeps the GC busy. The trace grows roughly linearly with
// the run time (~40-60 MB/s on a 2-CPU machine); see testdata/README.md and
// bigtrace.sh for the ~250 MB benchmark trace.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

var (
	locks   [16]sync.Mutex
	shared  [16]map[int]int
	jobs    int64
	results = make(chan int, 1024)
)

func job(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	b := make([]byte, 64+id%512)
	b[0] = byte(id)
	s := id % len(locks)
	locks[s].Lock()
	shared[s][id%1024] += len(b)
	locks[s].Unlock()
	if id%4 == 0 {
		results <- id
	}
}

func spawner(id int, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	var jwg sync.WaitGroup
	for i := 0; ; i++ {
		if i%256 == 0 {
			select {
			case <-stop:
				jwg.Wait()
				return
			default:
			}
			// Let the batch finish: bounds the number of live goroutines.
			jwg.Wait()
		}
		jwg.Add(1)
		go job(id<<32|i, &jwg)
		atomic.AddInt64(&jobs, 1)
	}
}

func collector(done chan<- int) {
	n := 0
	for range results {
		n++
	}
	done <- n
}

func stage(in <-chan string, out chan<- string) {
	for s := range in {
		out <- s + "."
	}
	close(out)
}

// feeder sends numbers through the pipeline and reads them back.
func feeder(src chan<- string, sink <-chan string, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; ; i++ {
		select {
		case <-stop:
			close(src)
			for range sink {
			}
			return
		case src <- strconv.Itoa(i):
		}
		<-sink
	}
}

func ticker(stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ctx, task := trace.NewTask(context.Background(), "tick")
		trace.WithRegion(ctx, "report", func() {
			trace.Log(ctx, "jobs", strconv.FormatInt(atomic.LoadInt64(&jobs), 10))
		})
		task.End()
	}
}

func parseSize(s string) int64 {
	mult := int64(1)
	switch {
	case strings.HasSuffix(s, "GB"):
		mult, s = 1e9, strings.TrimSuffix(s, "GB")
	case strings.HasSuffix(s, "MB"):
		mult, s = 1e6, strings.TrimSuffix(s, "MB")
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic(err)
	}
	return int64(n * float64(mult))
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: churn OUT.trace [DURATION]")
		os.Exit(2)
	}
	dur := 200 * time.Millisecond
	if len(os.Args) > 2 {
		d, err := time.ParseDuration(os.Args[2])
		if err != nil {
			panic(err)
		}
		dur = d
	}
	var maxSize int64
	if len(os.Args) > 3 {
		maxSize = parseSize(os.Args[3])
	}
	for i := range shared {
		shared[i] = map[int]int{}
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	start := time.Now()
	stop := make(chan struct{})
	done := make(chan int)
	go collector(done)

	// The pipeline.
	src := make(chan string)
	var in <-chan string = src
	for s := 0; s < 3; s++ {
		out := make(chan string)
		go stage(in, out)
		in = out
	}
	sink := in
	var wg sync.WaitGroup
	wg.Add(1)
	go feeder(src, sink, stop, &wg)

	wg.Add(1)
	go ticker(stop, &wg)
	procs := runtime.GOMAXPROCS(0)
	for p := 0; p < procs; p++ {
		wg.Add(1)
		go spawner(p, stop, &wg)
	}
	for left := dur; left > 0; left = dur - time.Since(start) {
		if left > 20*time.Millisecond {
			left = 20 * time.Millisecond
		}
		time.Sleep(left)
		if maxSize > 0 {
			if st, err := f.Stat(); err == nil && st.Size() >= maxSize {
				break
			}
		}
	}
	close(stop)
	wg.Wait()
	close(results)
	<-done
	trace.Stop()
	if err := f.Close(); err != nil {
		panic(err)
	}
	fmt.Fprintf(os.Stderr, "churn: %d goroutines in %v\n", atomic.LoadInt64(&jobs), time.Since(start).Round(time.Millisecond))
}
