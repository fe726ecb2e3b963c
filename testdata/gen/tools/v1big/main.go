// v1big: writes a large Go 1.21 (v1 format) execution trace for measuring
// the v1 reader: 64 pairs of goroutines ping-ponging over channels, with
// allocation (GC), short sleeps and syscalls. Not committed output; run
//
//	../../../../../shared/tools/go.sh 1.21.13 run main.go big.trace 80000
//
// (80000 rounds: about 108 MB and 31 M events), then time it with
//
//	V1_TRACE=big.trace cargo test --release --lib v1_trace_from_env -- --ignored --nocapture
package main

import (
	"os"
	"runtime/trace"
	"strconv"
	"sync"
	"time"
)

func main() {
	f, _ := os.Create(os.Args[1])
	n, _ := strconv.Atoi(os.Args[2])
	trace.Start(f)
	var wg sync.WaitGroup
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			a, b := make(chan int), make(chan int)
			go func() {
				for v := range a {
					b <- v
				}
				close(b)
			}()
			var sink []byte
			for i := 0; i < n; i++ {
				a <- i
				<-b
				if i%64 == 0 {
					sink = make([]byte, 1<<12)
					_ = sink
				}
				if i%1000 == 0 {
					go func() { time.Sleep(time.Microsecond) }()
					os.Getpid()
				}
			}
			close(a)
		}(w)
	}
	wg.Wait()
	trace.Stop()
	f.Close()
}
