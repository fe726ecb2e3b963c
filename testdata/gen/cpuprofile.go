// cpuprofile.go: CPU profile samples inside the execution trace.
//
// Usage: go run -trimpath cpuprofile.go OUT.trace
//
// The CPU profiler (pprof.StartCPUProfile, to io.Discard, 100 Hz per thread)
// runs during the trace, so since Go 1.19 the trace holds a CPU sample event
// (with goroutine, thread, P and stack) for every profiling tick. Four
// CPU-heavy goroutines run for ~600 ms, each with its own call stacks:
//
//	main.hasher   FNV hashing in main.hashBlock
//	main.sorter   sort.Ints of fresh random slices (sort package frames)
//	main.fib      a recursive main.fibRec (deep stacks, ~25 frames)
//	main.matrix   main.matMul of 64x64 matrices, labelled with pprof.Do
//
// plus main.main sleeping and 12 short-lived main.helper goroutines.
package main

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"os"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"sync"
	"time"
)

var sink uint64
var sinkMu sync.Mutex

func keep(x uint64) {
	sinkMu.Lock()
	sink += x
	sinkMu.Unlock()
}

func hashBlock(b []byte) uint64 {
	h := uint64(14695981039346656037)
	for _, c := range b {
		h ^= uint64(c)
		h *= 1099511628211
	}
	return h
}

func hasher(stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	b := make([]byte, 64<<10)
	for i := range b {
		b[i] = byte(i * 7)
	}
	var h uint64
	for {
		select {
		case <-stop:
			keep(h)
			return
		default:
		}
		h += hashBlock(b)
	}
}

func sorter(stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	rng := rand.New(rand.NewSource(1))
	xs := make([]int, 20000)
	for {
		select {
		case <-stop:
			return
		default:
		}
		for i := range xs {
			xs[i] = rng.Int()
		}
		sort.Ints(xs)
	}
}

func fibRec(n int) uint64 {
	if n < 2 {
		return uint64(n)
	}
	return fibRec(n-1) + fibRec(n-2)
}

func fib(stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	var s uint64
	for {
		select {
		case <-stop:
			keep(s)
			return
		default:
		}
		s += fibRec(24)
	}
}

func matMul(a, b, c *[64][64]float64) {
	for i := 0; i < 64; i++ {
		for j := 0; j < 64; j++ {
			var s float64
			for k := 0; k < 64; k++ {
				s += a[i][k] * b[k][j]
			}
			c[i][j] = s
		}
	}
}

func matrix(stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	pprof.Do(context.Background(), pprof.Labels("kind", "matrix"), func(context.Context) {
		var a, b, c [64][64]float64
		for i := 0; i < 64; i++ {
			for j := 0; j < 64; j++ {
				a[i][j] = float64(i + j)
				b[i][j] = float64(i - j)
			}
		}
		for {
			select {
			case <-stop:
				return
			default:
			}
			matMul(&a, &b, &c)
			a, c = c, a
		}
	})
}

// helper is a short-lived CPU user.
func helper() { keep(fibRec(20)) }

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: cpuprofile OUT.trace")
		os.Exit(2)
	}
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		panic(err)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(4)
	go hasher(stop, &wg)
	go sorter(stop, &wg)
	go fib(stop, &wg)
	go matrix(stop, &wg)
	for i := 0; i < 12; i++ {
		time.Sleep(50 * time.Millisecond)
		go helper()
	}
	close(stop)
	wg.Wait()
	trace.Stop()
	pprof.StopCPUProfile()
	if err := f.Close(); err != nil {
		panic(err)
	}
}
