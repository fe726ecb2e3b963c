// compare.go: pairs of traces for `gotraceview compare`, a baseline and
// the same program with one change whose effect is known by construction.
//
// Usage: go run -trimpath compare.go [flags] OUT.trace
//
//	-hold D           how long main.lockedUpdate holds the shared mutex
//	                  (baseline 100µs; "slower lock": 400µs)
//	-extra-syscall D  each request also makes a blocking nanosleep(2) of D
//	                  in main.extraSyscall (baseline 0: none)
//	-alloc N          bytes of garbage main.allocator makes per batch
//	                  (baseline 16 KiB; "GC pressure": 256 KiB)
//
// The workload, about 300 ms on 2 Ps:
//
//	main.lockWorker     4 goroutines x 50 region "lockedUpdate": take a
//	                    sync.Mutex shared by all four, hold it (working),
//	                    let it go, then wait 1 ms
//	main.requestWorker  2 goroutines x 100 task "handle" with its region
//	                    "request": 50 µs of work,
//	                    a write(2) to a temp file, [the extra syscall]
//	main.allocator      1 goroutine x 100 region "batch": allocate -alloc
//	                    bytes in 1 KiB pieces, keep 1 in 64 alive, wait 1 ms
//	main.main           waits for all of them
//
// Each change moves one thing by a known amount: the slower lock adds
// 300 µs of hold to each lockedUpdate (and the others' sync waits grow),
// the extra syscall adds D of syscall time to each request, the GC
// pressure multiplies the allocation rate by 16 (a few GCs instead of none).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/trace"
	"sync"
	"syscall"
	"time"
)

var (
	hold         = flag.Duration("hold", 100*time.Microsecond, "time main.lockedUpdate holds the mutex")
	extraSyscallFlag = flag.Duration("extra-syscall", 0, "a blocking nanosleep(2) this long in each request")
	allocBytes   = flag.Int("alloc", 16<<10, "bytes of garbage per allocator batch")
)

var (
	mu      sync.Mutex
	counter int
	wg      sync.WaitGroup
	live    [][]byte
	sink    []byte
)

// lockedUpdate takes the shared mutex and holds it for -hold (working,
// so that the hold does not depend on the timer's resolution).
func lockedUpdate() {
	mu.Lock()
	counter++
	spin(*hold)
	mu.Unlock()
}

func lockWorker() {
	defer wg.Done()
	for i := 0; i < 50; i++ {
		trace.WithRegion(context.Background(), "lockedUpdate", lockedUpdate)
		time.Sleep(time.Millisecond)
	}
}

// spin works for about d.
func spin(d time.Duration) {
	t0 := time.Now()
	x := 0
	for time.Since(t0) < d {
		x++
	}
	_ = x
}

// extraSyscall makes one blocking nanosleep(2) of d.
func extraSyscall(d time.Duration) {
	ts := syscall.NsecToTimespec(d.Nanoseconds())
	_ = syscall.Nanosleep(&ts, nil)
}

func requestWorker(f *os.File) {
	defer wg.Done()
	buf := make([]byte, 512)
	for i := 0; i < 100; i++ {
		ctx, task := trace.NewTask(context.Background(), "handle")
		trace.WithRegion(ctx, "request", func() {
			spin(50 * time.Microsecond)
			_, _ = f.Write(buf)
			if *extraSyscallFlag > 0 {
				extraSyscall(*extraSyscallFlag)
			}
		})
		task.End()
		time.Sleep(time.Millisecond)
	}
}

func allocator() {
	defer wg.Done()
	for i := 0; i < 100; i++ {
		trace.WithRegion(context.Background(), "batch", func() {
			for n := 0; n < *allocBytes; n += 1024 {
				b := make([]byte, 1024)
				b[0] = byte(n)
				if (n/1024)%64 == 0 {
					live = append(live, b)
				} else {
					sink = b
				}
			}
			if len(live) > 4096 {
				live = live[len(live)-4096:]
			}
		})
		time.Sleep(time.Millisecond)
	}
}

func main() {
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: compare [-hold D] [-extra-syscall D] [-alloc N] OUT.trace")
		os.Exit(2)
	}
	out, err := os.Create(flag.Arg(0))
	if err != nil {
		panic(err)
	}
	dir, err := os.MkdirTemp("", "compare")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	tmp, err := os.Create(filepath.Join(dir, "requests"))
	if err != nil {
		panic(err)
	}
	defer tmp.Close()
	if err := trace.Start(out); err != nil {
		panic(err)
	}
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go lockWorker()
	}
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go requestWorker(tmp)
	}
	wg.Add(1)
	go allocator()
	wg.Wait()
	trace.Stop()
	if err := out.Close(); err != nil {
		panic(err)
	}
	fmt.Println(counter, len(live), len(sink))
}
