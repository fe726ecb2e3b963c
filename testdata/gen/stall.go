// stall.go: story 1 of DESIGN.md, the flow-control race from the talk
// "An Introduction to go tool trace" (gRPC / HTTP/2 send quota).
//
// Usage: go run -trimpath stall.go OUT.trace
//
// A server writes the responses of 10,000 streams (goroutines started at
// main.handleStream, at most 4 at a time, 1-3 DATA frames each) over one
// connection whose send window is a quotaPool: a chan int of capacity 1, a
// mutex and a quota field. Before writing a frame a stream calls
// wait(ctx, shutdown, proceed), a select on ctx.Done(), the connection's
// shutdown channel and the quota channel (proceed). The client (main.client)
// reads the frames from an unbuffered channel, acknowledges each with a
// window update (quotaPool.add) and, from stream 4000 on, cancels one stream
// in four after its first frame ("eh, I don't need that data actually").
//
// The bug: a stream whose wait fails calls quotaPool.cancel(), which takes
// the quota out of the channel and parks it in the quota field, where only
// the next add will find it. When that happens while the whole window sits
// in the channel (nothing in flight, so no window update is coming), every
// active stream blocks in wait until its context.WithTimeout(1s) expires
// (unblocked by the context's timer goroutine, context.WithDeadline*.func2),
// and main blocks on the stream semaphore: a ~1 s gap in which no user
// goroutine runs and every P is idle (Go >= 1.22: except for the runtime's
// ~0.1 ms wakeups every 100 ms). A timed-out stream resets itself; the
// client answers the reset with a window update (add(0)), which flushes the
// parked quota, and the server resumes: the handoffs of quota from stream to
// stream (add unblocking a waiter) and from the client to streams are the
// "unblocked by" edges.
//
// To keep the trace small the client stops cancelling streams once it has
// seen one timeout, so a trace normally holds exactly one stall, ~30-50 ms
// after the start. The program exits with status 3 if no stall happened
// (generate.sh then retries).
package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

const (
	numStreams = 10000
	maxActive  = 4        // concurrent streams (HTTP/2 MAX_CONCURRENT_STREAMS)
	window     = 16 << 10 // connection send window
	maxFrame   = 4 << 10  // largest DATA frame
	timeout    = time.Second
	cancelFrom = 4000 // the client starts cancelling streams from this one on
)

// quotaPool is the buggy send-quota pool of the talk.
type quotaPool struct {
	c     chan int // positive quota here
	mu    sync.Mutex
	quota int // zero or negative quota
}

func newQuotaPool(q int) *quotaPool {
	qb := &quotaPool{c: make(chan int, 1)}
	if q > 0 {
		qb.c <- q
	} else {
		qb.quota = q
	}
	return qb
}

func (qb *quotaPool) acquire() <-chan int { return qb.c }

// add returns quota to the pool. It assumes the channel is empty whenever
// quota is positive, which cancel breaks.
func (qb *quotaPool) add(n int) {
	qb.mu.Lock()
	defer qb.mu.Unlock()
	if qb.quota += n; qb.quota <= 0 {
		return
	}
	select {
	case qb.c <- qb.quota:
		qb.quota = 0
	default:
	}
}

// cancel empties the channel into the quota field: after it returns the
// channel is definitely empty, and nobody will refill it until the next add.
func (qb *quotaPool) cancel() {
	qb.mu.Lock()
	defer qb.mu.Unlock()
	select {
	case n := <-qb.c:
		qb.quota += n
	default:
	}
}

type frame struct {
	stream int
	n      int
	err    error
}

type conn struct {
	quota    *quotaPool
	frames   chan frame
	shutdown chan struct{}

	mu      sync.Mutex
	cancels map[int]context.CancelFunc
}

var errClosed = errors.New("transport is closing")

// wait blocks until quota is available, the stream's context is done or the
// connection shuts down. The proceed channel is the only case that returns a
// real value.
func wait(ctx context.Context, shutdown <-chan struct{}, proceed <-chan int) (int, error) {
	select {
	case <-ctx.Done():
		return 0, ctx.Err()
	case <-shutdown:
		return 0, errClosed
	case i := <-proceed:
		return i, nil
	}
}

// handleStream writes one response: a few DATA frames, each waiting for send
// quota first.
func handleStream(ctx context.Context, c *conn, id int, size int, done func()) {
	defer done()
	buf := make([]byte, maxFrame)
	for size > 0 {
		tq, err := wait(ctx, c.shutdown, c.quota.acquire())
		if err != nil {
			// The culprit: give back quota that was "sent on acquire".
			c.quota.cancel()
			c.frames <- frame{stream: id, err: err}
			return
		}
		ps := size
		if ps > maxFrame {
			ps = maxFrame
		}
		if ps > tq {
			ps = tq
		}
		if ps < tq {
			c.quota.add(tq - ps)
		}
		encode(buf[:ps], id)
		c.frames <- frame{stream: id, n: ps}
		size -= ps
	}
	c.frames <- frame{stream: id} // END_STREAM
}

var sink uint32

// encode stands for framing and writing the payload.
func encode(b []byte, id int) {
	h := uint32(id)
	for i := range b {
		h = h*16777619 ^ uint32(i)
		b[i] = byte(h)
	}
	atomic.AddUint32(&sink, h)
}

// client reads frames, acknowledges them and cancels streams it does not
// need any more.
func client(c *conn, stalls *int32, finished chan<- struct{}) {
	rng := rand.New(rand.NewSource(1))
	ended := 0
	for f := range c.frames {
		switch {
		case f.err == context.DeadlineExceeded:
			// RST_STREAM of a timed-out stream: answer with a window update.
			atomic.AddInt32(stalls, 1)
			c.quota.add(0)
			ended++
		case f.err != nil:
			ended++
		case f.n == 0:
			ended++
		default:
			c.quota.add(f.n) // WINDOW_UPDATE
			if f.stream >= cancelFrom && atomic.LoadInt32(stalls) == 0 && rng.Intn(4) == 0 {
				c.mu.Lock()
				if cancel := c.cancels[f.stream]; cancel != nil {
					cancel()
				}
				c.mu.Unlock()
			}
		}
		if ended == numStreams {
			close(finished)
			return
		}
	}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: stall OUT.trace")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}

	c := &conn{
		quota:    newQuotaPool(window),
		frames:   make(chan frame),
		shutdown: make(chan struct{}),
		cancels:  make(map[int]context.CancelFunc),
	}
	var stalls int32
	finished := make(chan struct{})
	go client(c, &stalls, finished)

	rng := rand.New(rand.NewSource(2))
	sem := make(chan struct{}, maxActive)
	start := time.Now()
	for i := 0; i < numStreams; i++ {
		sem <- struct{}{}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		id := i
		c.mu.Lock()
		c.cancels[id] = cancel
		c.mu.Unlock()
		done := func() {
			c.mu.Lock()
			delete(c.cancels, id)
			c.mu.Unlock()
			cancel()
			<-sem
		}
		go handleStream(ctx, c, id, 512+rng.Intn(2*maxFrame), done)
	}
	<-finished
	close(c.shutdown)
	elapsed := time.Since(start)
	trace.Stop()
	if err := f.Close(); err != nil {
		panic(err)
	}
	n := atomic.LoadInt32(&stalls)
	fmt.Fprintf(os.Stderr, "stall: %d streams in %v, %d timed out\n", numStreams, elapsed.Round(time.Millisecond), n)
	if n == 0 {
		os.Exit(3)
	}
}
