// pprofserver: a program to capture live traces from (gotraceview's
// "Capture…" test, src/ui/tests/capture.rs). It serves net/http/pprof on
// a loopback port, prints "http://ADDR/debug/pprof/trace" on one line, and
// keeps a few workers busy (main.worker passing work over a channel, with
// a mutex and short sleeps) until its standard input closes or a minute
// has passed.
//
// Usage: go run ./testdata/gen/pprofserver
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"sync"
	"time"
)

var (
	mu    sync.Mutex
	total int
)

func worker(id int, in <-chan int, out chan<- int) {
	for v := range in {
		mu.Lock()
		total += v * id
		mu.Unlock()
		time.Sleep(200 * time.Microsecond)
		out <- v + 1
	}
}

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "pprofserver:", err)
		os.Exit(1)
	}
	in, out := make(chan int), make(chan int, 4)
	for i := 0; i < 4; i++ {
		go worker(i, in, out)
	}
	go func() {
		for v := 0; ; v++ {
			in <- v
			<-out
			time.Sleep(time.Millisecond)
		}
	}()
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	go func() {
		time.Sleep(time.Minute)
		os.Exit(0)
	}()
	fmt.Printf("http://%s/debug/pprof/trace\n", ln.Addr())
	_ = http.Serve(ln, nil)
}
