// gens.go: story 5 of DESIGN.md in small: a trace of several generations
// (Go 1.22+ cuts a new generation about every second), for the detail
// tiles of big traces. Everything here crosses generation boundaries.
//
// Usage: go run -trimpath gens.go OUT.trace
//
// For about 3.3 s: main.sleeper sleeps 1.5 s at a time; main.waiter is
// blocked on a channel that main.ticker feeds every 700 ms; main.syscaller
// sits in a blocking read(2) on a pipe that main.writer fills every 1.2 s;
// main.worker goroutines (a few hundred a second) take a mutex, allocate
// and hand a result to main.collector; main.requests opens a task
// "request" every 100 ms whose region "handle" (in a new goroutine) lasts
// 150-450 ms, so tasks and regions span boundaries; the heap churns enough
// for a few GC cycles.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime/trace"
	"sync"
	"syscall"
	"time"
)

var (
	mu      sync.Mutex
	results = make(chan int, 64)
	sink    [][]byte
)

func sleeper(stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(1500 * time.Millisecond):
		}
	}
}

func waiter(c <-chan int, done chan<- int) {
	n := 0
	for v := range c {
		n += v
	}
	done <- n
}

func ticker(c chan<- int, stop <-chan struct{}) {
	t := time.NewTicker(700 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			close(c)
			return
		case <-t.C:
			c <- 1
		}
	}
}

func syscaller(fd int, done chan<- int) {
	buf := make([]byte, 16)
	total := 0
	for {
		n, err := syscall.Read(fd, buf)
		if n <= 0 || err != nil {
			done <- total
			return
		}
		total += n
	}
}

func writer(fd int, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			syscall.Close(fd)
			return
		case <-time.After(1200 * time.Millisecond):
			syscall.Write(fd, []byte("tick"))
		}
	}
}

func worker(id int, wg *sync.WaitGroup) {
	defer wg.Done()
	b := make([]byte, 1024+id%4096)
	mu.Lock()
	if len(sink) > 512 {
		sink = sink[:0]
	}
	sink = append(sink, b)
	mu.Unlock()
	results <- id
}

func collector(done chan<- int) {
	n := 0
	for range results {
		n++
	}
	done <- n
}

func handle(ctx context.Context, d time.Duration, wg *sync.WaitGroup) {
	defer wg.Done()
	trace.WithRegion(ctx, "handle", func() {
		time.Sleep(d)
		trace.Log(ctx, "handled", d.String())
	})
}

func requests(stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-time.After(100 * time.Millisecond):
		}
		ctx, task := trace.NewTask(context.Background(), "request")
		var hw sync.WaitGroup
		hw.Add(1)
		go handle(ctx, time.Duration(150+(i*37)%300)*time.Millisecond, &hw)
		wg.Add(1)
		go func() {
			defer wg.Done()
			hw.Wait()
			task.End()
		}()
	}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gens OUT.trace")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	stop := make(chan struct{})
	ticks := make(chan int)
	waited := make(chan int, 1)
	read := make(chan int, 1)
	collected := make(chan int, 1)
	go sleeper(stop)
	go waiter(ticks, waited)
	go ticker(ticks, stop)
	go syscaller(fds[0], read)
	go writer(fds[1], stop)
	go collector(collected)
	var rwg sync.WaitGroup
	rwg.Add(1)
	go requests(stop, &rwg)

	var wg sync.WaitGroup
	end := time.Now().Add(3300 * time.Millisecond)
	for i := 0; time.Now().Before(end); i++ {
		wg.Add(1)
		go worker(i, &wg)
		time.Sleep(3 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	rwg.Wait()
	close(results)
	<-waited
	<-read
	<-collected
	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
