// gc.go: story 2 of DESIGN.md, GC latency.
//
// Usage: go run -trimpath gc.go OUT.trace [CYCLES]   (default 20)
//
// Runs until CYCLES GC cycles have completed since the trace started (at
// most 2 s), so that the trace has about as many cycles on a busy machine as
// on an idle one.
//
// An HTTP server (net/http goroutines, handler main.handle) and 8 client
// goroutines (main.httpClient) talk over loopback (127.0.0.1, a random
// port); every response is built from freshly allocated records and
// JSON-encoded. main.refresher keeps replacing parts of a ~8 MB live heap,
// main.churn allocates 64 KB buffers, and GOGC is 25: the trace holds dozens
// of GC cycles with their stop-the-world pauses (sweep termination, mark
// termination, and two "read mem stats"), mark assists paid by the
// allocating goroutines, incremental sweeping, background mark workers,
// runnable goroutines piling up, and heap / heap-goal samples.
//
// Two spinner goroutines (main.spin) run tight loops of ~1 ms without a
// preemption point, then sleep 2 ms. The program re-executes itself with
// GODEBUG=asyncpreemptoff=1 so that these loops cannot be preempted by a
// signal either: a stop-the-world that starts while one of them is running
// has to wait for the loop to end (a straggler: a STW range of ~1 ms or
// more, most Ps already stopped).
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type record struct {
	ID    int               `json:"id"`
	Name  string            `json:"name"`
	Tags  []string          `json:"tags"`
	Attrs map[string]string `json:"attrs"`
}

// cache is the live heap: 16 shards of ~0.5 MB, replaced one at a time.
var cache [16][]*record

func makeShard(seed int) []*record {
	rs := make([]*record, 1000)
	for i := range rs {
		rs[i] = &record{ID: seed*10000 + i, Name: "record-" + strconv.Itoa(i),
			Tags: []string{"a", "b", strconv.Itoa(seed)}, Attrs: map[string]string{"k": "v"}}
	}
	return rs
}

var requests int64

// httpClient sends requests for 200-1000 records until stop is closed.
func httpClient(client *http.Client, url string, c int, stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		resp, err := client.Get(fmt.Sprintf("%s/client%d/req%d?n=%d", url, c, i, 200+(i*37)%800))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		atomic.AddInt64(&requests, 1)
	}
}

// refresher keeps replacing cache shards.
func refresher(stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		cache[i%len(cache)] = makeShard(i)
	}
}

func handle(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	rs := make([]record, n)
	for i := range rs {
		rs[i] = record{ID: i, Name: fmt.Sprintf("item %d of %s", i, r.URL.Path),
			Tags: strings.Fields("alpha beta gamma delta"), Attrs: map[string]string{"path": r.URL.Path}}
	}
	var buf bytes.Buffer
	json.NewEncoder(&buf).Encode(rs)
	w.Header().Set("Content-Type", "application/json")
	w.Write(buf.Bytes())
}

var spinSink uint64

// spin runs loops of about a millisecond with no function call (no
// preemption point) inside, then sleeps for 2 ms.
func spin(stop <-chan struct{}, iters int, wg *sync.WaitGroup) {
	defer wg.Done()
	x := uint64(1)
	for {
		select {
		case <-stop:
			atomic.AddUint64(&spinSink, x)
			return
		default:
		}
		for i := 0; i < iters; i++ {
			x = x*6364136223846793005 + uint64(i)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

var garbage [][]byte

// churn allocates short-lived buffers: 64 KB every 20 µs or so.
func churn(stop <-chan struct{}, wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		b := make([]byte, 1<<16)
		for j := 0; j < len(b); j += 4096 {
			b[j] = byte(i)
		}
		garbage = append(garbage, b)
		if len(garbage) == 64 {
			garbage = garbage[:0]
			time.Sleep(time.Millisecond)
		}
	}
}

// calibrate returns the iteration count of a ~1 ms spin loop.
func calibrate() int {
	x := uint64(1)
	n := 1 << 16
	for {
		t := time.Now()
		for i := 0; i < n; i++ {
			x = x*6364136223846793005 + uint64(i)
		}
		if d := time.Since(t); d > 200*time.Microsecond {
			atomic.AddUint64(&spinSink, x)
			return int(float64(n) * float64(time.Millisecond) / float64(d))
		}
		n *= 2
	}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: gc OUT.trace [DURATION]")
		os.Exit(2)
	}
	if !strings.Contains(os.Getenv("GODEBUG"), "asyncpreemptoff=1") {
		exe, err := os.Executable()
		if err == nil {
			env := []string{"GODEBUG=asyncpreemptoff=1"}
			for _, kv := range os.Environ() {
				if strings.HasPrefix(kv, "GODEBUG=") {
					env[0] += "," + kv[len("GODEBUG="):]
				} else {
					env = append(env, kv)
				}
			}
			err = syscall.Exec(exe, os.Args, env)
		}
		fmt.Fprintln(os.Stderr, "re-exec with GODEBUG=asyncpreemptoff=1 failed:", err)
	}
	cycles := uint64(20)
	if len(os.Args) > 2 {
		n, err := strconv.Atoi(os.Args[2])
		if err != nil {
			panic(err)
		}
		cycles = uint64(n)
	}
	debug.SetGCPercent(25)
	for i := range cache {
		cache[i] = makeShard(i)
	}
	iters := calibrate()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(handle)}
	go srv.Serve(ln)
	url := "http://" + ln.Addr().String()
	// Warm up the connections before tracing.
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	if resp, err := client.Get(url + "/warmup?n=1"); err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
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
	wg.Add(8 + 1 + 1 + 2)
	for c := 0; c < 8; c++ {
		go httpClient(client, url, c, stop, &wg)
	}
	go refresher(stop, &wg)
	go churn(stop, &wg)
	go spin(stop, iters, &wg)
	go spin(stop, iters, &wg)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	sample := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	for time.Since(start) < 2*time.Second {
		time.Sleep(5 * time.Millisecond)
		metrics.Read(sample)
		if sample[0].Value.Uint64()-uint64(before.NumGC) >= cycles {
			break
		}
	}
	dur := time.Since(start).Round(time.Millisecond)
	close(stop)
	wg.Wait()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	trace.Stop()
	if err := f.Close(); err != nil {
		panic(err)
	}
	srv.Close()
	fmt.Fprintf(os.Stderr, "gc: %d requests, %d GC cycles, %v\n", requests, after.NumGC-before.NumGC, dur)
}
