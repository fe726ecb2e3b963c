// whyslow.go: story 6 of DESIGN.md, "why was it slow?": programs whose
// critical path and findings are known by construction.
//
// Usage: go run -trimpath whyslow.go OUT.trace
//
// 1. A request (goroutine main.handle, task "request", region "request")
//    hands a job to main.worker and waits for the result. The worker
//    sleeps 50 ms, computes for 20 ms, wakes main.holder, waits until the
//    holder has taken a mutex, then blocks on that mutex while the holder
//    computes for 30 ms with it. Walking back from the end of the region:
//    handle <- worker (result) <- holder (Unlock) 30 ms running <- worker
//    (wake-up) 20 ms running <- worker 50 ms blocked in sleep <- handle
//    (the job). The region lasts ~100 ms.
// 2. A chain of 2500 goroutines (main.relay) passes a token: main.chain
//    (region "chain") sends it to the first relay, each relay to the next,
//    and the last one back to main.chain: the critical path of the region
//    hops through every relay.
// 3. Leaks: 25 goroutines (main.leakyRecv) block forever receiving from a
//    channel nobody sends to, 7 (main.leakyLock) block forever on a mutex
//    held forever.
// 4. A CPU hog with GOMAXPROCS=1: main.hog, just scheduled, wakes three
//    main.victim goroutines (each in a region "victim", waiting for it)
//    and spins for 60 ms. Go preempts a goroutine only once it has run for
//    10 ms, so the victims stay runnable for at least that long: scheduler
//    latency of ~10 ms each. The GOMAXPROCS changes stop the world.
// 5. A blocking syscall: main.sleeper calls nanosleep(2) for 20 ms.
//
// Each phase waits for the previous one, so they follow each other in the
// trace (the leaks stay blocked until the end). On a loaded machine the OS
// may keep a thread off the CPU for many ms; if a sleep or a spin of the
// request overran by more than 5 ms the program exits with status 3
// (generate.sh then retries), so the trace shows the construction.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	sleepFor    = 50 * time.Millisecond
	workerSpin  = 20 * time.Millisecond
	holderSpin  = 30 * time.Millisecond
	relays      = 2500
	leakRecv    = 25
	leakLock    = 7
	hogSpin     = 60 * time.Millisecond
	victims     = 3
	victimSpin  = time.Millisecond
	syscallFor  = 20 * time.Millisecond
)

// spin computes (reads the clock) for d without blocking.
func spin(d time.Duration) {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
	}
}

// overran is set when a timed step took 5 ms longer than it should.
var overran atomic.Bool

// timed runs f, which should take d, and notes if it overran.
func timed(d time.Duration, f func()) {
	t0 := time.Now()
	f()
	if time.Since(t0) > d+5*time.Millisecond {
		overran.Store(true)
	}
}

var (
	jobs    = make(chan int)
	results = make(chan int)
	start   = make(chan struct{})
	locked  = make(chan struct{})
	mu      sync.Mutex
)

func worker(done *sync.WaitGroup) {
	defer done.Done()
	j := <-jobs
	timed(sleepFor+workerSpin, func() {
		time.Sleep(sleepFor)
		spin(workerSpin)
	})
	start <- struct{}{}
	<-locked
	mu.Lock()
	mu.Unlock()
	results <- j + 1
}

func holder(done *sync.WaitGroup) {
	defer done.Done()
	<-start
	mu.Lock()
	locked <- struct{}{}
	timed(holderSpin, func() { spin(holderSpin) })
	mu.Unlock()
}

func handle(done *sync.WaitGroup) {
	defer done.Done()
	ctx, task := trace.NewTask(context.Background(), "request")
	trace.WithRegion(ctx, "request", func() {
		jobs <- 1
		<-results
	})
	task.End()
}

func request() {
	var done sync.WaitGroup
	done.Add(3)
	go worker(&done)
	go holder(&done)
	time.Sleep(5 * time.Millisecond) // both blocked in their receives
	go handle(&done)
	done.Wait()
}

func relay(in <-chan int, out chan<- int) {
	v := <-in
	out <- v + 1
}

func chain(first chan<- int, last <-chan int, done chan<- int) {
	ctx := context.Background()
	var got int
	trace.WithRegion(ctx, "chain", func() {
		first <- 0
		got = <-last
	})
	done <- got
}

func chainPhase() {
	chans := make([]chan int, relays+1)
	for i := range chans {
		chans[i] = make(chan int)
	}
	for i := 0; i < relays; i++ {
		go relay(chans[i], chans[i+1])
	}
	time.Sleep(30 * time.Millisecond) // every relay blocked in its receive
	done := make(chan int)
	go chain(chans[0], chans[relays], done)
	if got := <-done; got != relays {
		fmt.Fprintf(os.Stderr, "whyslow: token %d, want %d\n", got, relays)
		os.Exit(3)
	}
}

var (
	never     = make(chan int)
	heldMu    sync.Mutex
	leakReady sync.WaitGroup
)

func leakyRecv() {
	leakReady.Done()
	<-never
}

func leakyLock() {
	leakReady.Done()
	heldMu.Lock()
}

func leaks() {
	heldMu.Lock()
	leakReady.Add(leakRecv + leakLock)
	for i := 0; i < leakRecv; i++ {
		go leakyRecv()
	}
	for i := 0; i < leakLock; i++ {
		go leakyLock()
	}
	leakReady.Wait()
}

func hog(wake []chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	for _, w := range wake {
		w <- struct{}{} // the victim is waiting: it becomes runnable
	}
	spin(hogSpin)
}

func victim(wake <-chan struct{}, done *sync.WaitGroup) {
	defer done.Done()
	trace.WithRegion(context.Background(), "victim", func() {
		<-wake
		spin(victimSpin)
	})
}

func hogPhase() {
	old := runtime.GOMAXPROCS(1)
	var done sync.WaitGroup
	wake := make([]chan struct{}, victims)
	done.Add(victims + 1)
	for i := range wake {
		wake[i] = make(chan struct{})
		go victim(wake[i], &done)
	}
	time.Sleep(5 * time.Millisecond) // every victim waiting in its region
	go hog(wake, &done)
	done.Wait()
	runtime.GOMAXPROCS(old)
}

func sleeper(done chan<- struct{}) {
	ts := syscall.NsecToTimespec(int64(syscallFor))
	syscall.Nanosleep(&ts, nil)
	close(done)
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: whyslow OUT.trace")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	request()
	chainPhase()
	leaks()
	hogPhase()
	done := make(chan struct{})
	go sleeper(done)
	<-done
	time.Sleep(2 * time.Millisecond)
	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if overran.Load() {
		fmt.Fprintln(os.Stderr, "whyslow: the OS kept a timed step off the CPU for more than 5 ms; run again")
		os.Exit(3)
	}
}
