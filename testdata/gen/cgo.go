// cgo.go: cgo calls and callbacks from C threads.
//
// Usage: CGO_ENABLED=1 go run -trimpath cgo.go OUT.trace [concurrent|sequential|none]
// (needs a C compiler)
//
// 8 C threads (pthread_create in C.startThreads, called from goroutine
// main.threads) each call the exported Go function goCallback 5 times, 1 ms
// apart. The threads run concurrently with Go >= 1.22, one after the other
// with Go 1.20 and 1.21, and not at all with Go 1.19: see main for why.
//
// A C thread entering Go borrows an "extra M" whose goroutine stands for the
// thread: in v2 traces (Go >= 1.22) it appears in the syscall state at the
// first callback (GoCreateSyscall, NotExist->Syscall: a goroutine with no
// start function), runs each callback (Syscall->Running ... Running->Syscall),
// and disappears when the thread exits (GoDestroySyscall, Syscall->NotExist).
// Each callback sends on a channel read by main.collector, which therefore is
// unblocked by those goroutines; the last callback of threads 0 and 4 also
// calls runtime.GC.
//
// Also: Go -> C -> Go callbacks on Go threads (main.nested: C.callBack calls
// the exported goWork), and cgo calls that block in C (main.cSleepers:
// C.cSleep, usleep(2 ms)), which show as syscalls.
package main

/*
#include <pthread.h>
#include <unistd.h>

void goCallback(int);
void goWork(int);

static void *thr(void *arg) {
	int n = (int)(long)arg;
	for (int i = 0; i < 5; i++) {
		goCallback(n * 100 + i);
		usleep(1000);
	}
	return 0;
}

// startThreads runs n C threads, all at once or one after the other.
static void startThreads(int n, int sequential) {
	pthread_t th[16];
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 << 10);
	for (int i = 0; i < n && i < 16; i++) {
		pthread_create(&th[i], &attr, thr, (void *)(long)i);
		if (sequential) {
			pthread_join(th[i], 0);
		}
	}
	for (int i = 0; i < n && i < 16 && !sequential; i++) {
		pthread_join(th[i], 0);
	}
}

static void cSleep(int us) { usleep(us); }

static void callBack(int x) { goWork(x); }
*/
import "C"

import (
	"fmt"
	"os"
	"runtime"
	"runtime/trace"
	"strings"
	"sync"
)

var events = make(chan int, 4)

//export goCallback
func goCallback(x C.int) {
	buf := make([]byte, 1024)
	buf[0] = byte(x)
	events <- int(x)
	if x%100 == 4 && x/100%4 == 0 {
		runtime.GC()
	}
}

var work uint64

//export goWork
func goWork(x C.int) {
	for i := 0; i < 1000; i++ {
		work = work*31 + uint64(x) + uint64(i)
	}
}

func collector(n int, done chan<- int) {
	sum := 0
	for i := 0; i < n; i++ {
		sum += <-events
	}
	done <- sum
}

func threads(n int, sequential bool, wg *sync.WaitGroup) {
	defer wg.Done()
	seq := C.int(0)
	if sequential {
		seq = 1
	}
	C.startThreads(C.int(n), seq)
}

func nested(wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < 50; i++ {
		C.callBack(C.int(i))
	}
}

func cSleepers(wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < 5; i++ {
		C.cSleep(2000)
	}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: cgo OUT.trace [concurrent|sequential|none]")
		os.Exit(2)
	}
	// Go's v1 tracer (Go < 1.22) writes traces that Go's parsers (its own
	// and today's) reject with "no consistent ordering of events possible"
	// when C threads call into Go: always with Go 1.19 (golang/go#29707,
	// fixed in Go 1.20), and with Go 1.20 and 1.21 when several C threads
	// do so at the same time. So by default the C threads run concurrently
	// with Go >= 1.22, one after the other with Go 1.20 and 1.21, and not at
	// all with Go 1.19 (which keeps the Go -> C -> Go callbacks and the cgo
	// calls). The second argument overrides this (generate.sh uses it to
	// make the rejected traces of testdata/rejected/).
	mode := "concurrent"
	switch v := runtime.Version(); {
	case strings.HasPrefix(v, "go1.19"):
		mode = "none"
	case strings.HasPrefix(v, "go1.20"), strings.HasPrefix(v, "go1.21"):
		mode = "sequential"
	}
	if len(os.Args) > 2 {
		mode = os.Args[2]
	}
	nthreads := 8
	switch mode {
	case "concurrent", "sequential":
	case "none":
		nthreads = 0
	default:
		fmt.Fprintln(os.Stderr, "cgo: unknown mode", mode)
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	done := make(chan int)
	go collector(nthreads*5, done)
	var wg sync.WaitGroup
	wg.Add(4)
	go threads(nthreads, mode == "sequential", &wg)
	go nested(&wg)
	go cSleepers(&wg)
	go cSleepers(&wg)
	wg.Wait()
	<-done
	trace.Stop()
	if err := f.Close(); err != nil {
		panic(err)
	}
}
