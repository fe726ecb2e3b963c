// blocking.go: story 3 of DESIGN.md, where do goroutines wait?
//
// Usage: go run -trimpath blocking.go OUT.trace
//
// One goroutine group (start function) per way of blocking, each repeating
// its kind of wait a few times during ~250 ms so that the sync, network,
// syscall and scheduler-latency profiles all have entries:
//
//	main.chanSend      chan send on an unbuffered channel (slow receiver)
//	main.chanRecv      chan receive (slow sender)
//	main.selectWait    select over two channels and a timer
//	main.mutexWait     sync.Mutex held by main.mutexHolder
//	main.rwWait        sync.RWMutex readers and a writer
//	main.condWait      sync.Cond
//	main.wgWait        sync.WaitGroup
//	main.sleeper       time.Sleep
//	main.tcpServer     network: TCP over loopback (accept, read) ...
//	main.tcpClient     ... and the client side (dial, read)
//	main.pipeRead      network poller: an os.Pipe
//	main.fileIO        file I/O syscalls (write, fsync, read of a temp file)
//	main.nanosleep     a blocking syscall (nanosleep, 20 ms) that loses its P
//	main.rawPipeRead   a blocking read(2) on a raw pipe fd, unblocked later
//	main.yielder       runtime.Gosched
//	main.spinner       tight loops preempted by the scheduler (>10 ms)
//	main.forever       select {} (blocked until the end)
//	main.nilChan       receive from a nil channel (blocked until the end)
//	main.allocator     allocation during GC (mark assists, assist waits)
//	main.main          runtime.GC (waits for a whole GC cycle)
package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"runtime/trace"
	"sync"
	"syscall"
	"time"
)

const rounds = 8

var wg sync.WaitGroup

func chanSend(c chan<- int) {
	defer wg.Done()
	for i := 0; i < rounds; i++ {
		c <- i
	}
	close(c)
}

func chanSlowRecv(c <-chan int) {
	defer wg.Done()
	for range c {
		time.Sleep(3 * time.Millisecond)
	}
}

func chanRecv(c <-chan int) {
	defer wg.Done()
	for range c {
	}
}

func chanSlowSend(c chan<- int) {
	defer wg.Done()
	for i := 0; i < rounds; i++ {
		time.Sleep(3 * time.Millisecond)
		c <- i
	}
	close(c)
}

func selectWait(a, b <-chan int) {
	defer wg.Done()
	for a != nil || b != nil {
		select {
		case _, ok := <-a:
			if !ok {
				a = nil
			}
		case _, ok := <-b:
			if !ok {
				b = nil
			}
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func feed(c chan<- int, every time.Duration) {
	defer wg.Done()
	for i := 0; i < rounds; i++ {
		time.Sleep(every)
		c <- i
	}
	close(c)
}

var mu sync.Mutex

func mutexHolder() {
	defer wg.Done()
	for i := 0; i < rounds; i++ {
		mu.Lock()
		time.Sleep(2 * time.Millisecond)
		mu.Unlock()
		time.Sleep(time.Millisecond)
	}
}

func mutexWait() {
	defer wg.Done()
	for i := 0; i < rounds; i++ {
		mu.Lock()
		busy(100 * time.Microsecond)
		mu.Unlock()
		time.Sleep(time.Millisecond)
	}
}

var rw sync.RWMutex

func rwWait(writer bool) {
	defer wg.Done()
	for i := 0; i < rounds; i++ {
		if writer {
			rw.Lock()
			time.Sleep(2 * time.Millisecond)
			rw.Unlock()
		} else {
			rw.RLock()
			time.Sleep(time.Millisecond)
			rw.RUnlock()
		}
		time.Sleep(time.Millisecond)
	}
}

var (
	condMu sync.Mutex
	cond   = sync.NewCond(&condMu)
	ticks  int
)

func condWait() {
	defer wg.Done()
	condMu.Lock()
	for ticks < rounds {
		cond.Wait()
	}
	condMu.Unlock()
}

func condSignal() {
	defer wg.Done()
	for i := 0; i < rounds; i++ {
		time.Sleep(2 * time.Millisecond)
		condMu.Lock()
		ticks++
		cond.Broadcast()
		condMu.Unlock()
	}
}

func wgWait() {
	defer wg.Done()
	for i := 0; i < rounds; i++ {
		var inner sync.WaitGroup
		for j := 0; j < 3; j++ {
			inner.Add(1)
			go func(j int) {
				defer inner.Done()
				time.Sleep(time.Duration(j+1) * time.Millisecond)
			}(j)
		}
		inner.Wait()
	}
}

func sleeper() {
	defer wg.Done()
	for i := 0; i < rounds; i++ {
		time.Sleep(time.Duration(i+1) * time.Millisecond)
	}
}

func tcpServer(ln net.Listener) {
	defer wg.Done()
	c, err := ln.Accept()
	if err != nil {
		panic(err)
	}
	defer c.Close()
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		time.Sleep(2 * time.Millisecond)
		c.Write(buf[:n])
	}
}

func tcpClient(addr string) {
	defer wg.Done()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		panic(err)
	}
	defer c.Close()
	buf := make([]byte, 4096)
	for i := 0; i < rounds; i++ {
		c.Write(buf[:100*(i+1)])
		if _, err := io.ReadFull(c, buf[:100*(i+1)]); err != nil {
			panic(err)
		}
	}
}

func pipeRead(r *os.File) {
	defer wg.Done()
	buf := make([]byte, 16)
	for {
		if _, err := r.Read(buf); err != nil {
			return
		}
	}
}

func pipeWrite(w *os.File) {
	defer wg.Done()
	for i := 0; i < rounds; i++ {
		time.Sleep(3 * time.Millisecond)
		w.Write([]byte("ping"))
	}
	w.Close()
}

func fileIO(dir string) {
	defer wg.Done()
	p := filepath.Join(dir, "blocking.dat")
	buf := make([]byte, 1<<20)
	for i := 0; i < rounds/2; i++ {
		f, err := os.Create(p)
		if err != nil {
			panic(err)
		}
		for j := 0; j < 4; j++ {
			f.Write(buf)
		}
		f.Sync()
		f.Close()
		f, _ = os.Open(p)
		for {
			if _, err := f.Read(buf); err != nil {
				break
			}
		}
		f.Close()
	}
	os.Remove(p)
}

func nanosleep() {
	defer wg.Done()
	for i := 0; i < rounds/2; i++ {
		ts := syscall.NsecToTimespec(int64(20 * time.Millisecond))
		syscall.Nanosleep(&ts, nil)
	}
}

func rawPipeRead(fd int) {
	defer wg.Done()
	buf := make([]byte, 16)
	for {
		n, err := syscall.Read(fd, buf)
		if n <= 0 || err != nil {
			return
		}
	}
}

func rawPipeWrite(fd int) {
	defer wg.Done()
	for i := 0; i < rounds/2; i++ {
		time.Sleep(15 * time.Millisecond)
		syscall.Write(fd, []byte("x"))
	}
	syscall.Close(fd)
}

func yielder() {
	defer wg.Done()
	for i := 0; i < 200; i++ {
		busy(20 * time.Microsecond)
		runtime.Gosched()
	}
}

var spinSink uint64

// busy burns CPU for about d.
func busy(d time.Duration) {
	t := time.Now()
	x := spinSink
	for time.Since(t) < d {
		for i := 0; i < 1000; i++ {
			x = x*31 + uint64(i)
		}
	}
	spinSink = x
}

// spinner runs loops of ~40 ms with no function call: the scheduler
// preempts them (asynchronously, Go >= 1.14) after 10 ms.
func spinner(iters int) {
	defer wg.Done()
	x := uint64(1)
	for r := 0; r < 3; r++ {
		for i := 0; i < iters; i++ {
			x = x*6364136223846793005 + uint64(i)
		}
		time.Sleep(10 * time.Millisecond)
	}
	spinSink += x
}

func calibrate(d time.Duration) int {
	x := uint64(1)
	n := 1 << 16
	for {
		t := time.Now()
		for i := 0; i < n; i++ {
			x = x*6364136223846793005 + uint64(i)
		}
		if e := time.Since(t); e > time.Millisecond {
			spinSink += x
			return int(float64(n) * float64(d) / float64(e))
		}
		n *= 2
	}
}

func forever() {
	select {}
}

func nilChan() {
	var c chan int
	<-c
}

var garbage [][]byte

func allocator(stop <-chan struct{}) {
	defer wg.Done()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		garbage = append(garbage, make([]byte, 32<<10))
		if len(garbage) == 64 {
			garbage = garbage[:0]
			time.Sleep(2 * time.Millisecond)
		}
	}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: blocking OUT.trace")
		os.Exit(2)
	}
	iters := calibrate(40 * time.Millisecond)
	dir, err := os.MkdirTemp("", "blocking")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	pr, pw, err := os.Pipe()
	if err != nil {
		panic(err)
	}
	var fds [2]int
	if err := syscall.Pipe(fds[:]); err != nil {
		panic(err)
	}

	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}

	go forever()
	go nilChan()

	c1, c2, c3, c4 := make(chan int), make(chan int), make(chan int), make(chan int)
	stop := make(chan struct{})
	wg.Add(29)
	go chanSend(c1)
	go chanSlowRecv(c1)
	go chanRecv(c2)
	go chanSlowSend(c2)
	go selectWait(c3, c4)
	go feed(c3, 4*time.Millisecond)
	go feed(c4, 7*time.Millisecond)
	go mutexHolder()
	go mutexWait()
	go mutexWait()
	go rwWait(true)
	go rwWait(false)
	go rwWait(false)
	go condWait()
	go condWait()
	go condSignal()
	go wgWait()
	go sleeper()
	go tcpServer(ln)
	go tcpClient(ln.Addr().String())
	go pipeRead(pr)
	go pipeWrite(pw)
	go fileIO(dir)
	go nanosleep()
	go rawPipeRead(fds[0])
	go rawPipeWrite(fds[1])
	go yielder()
	go spinner(iters)
	go allocator(stop)

	time.Sleep(20 * time.Millisecond)
	runtime.GC()
	time.Sleep(80 * time.Millisecond)
	close(stop)
	wg.Wait()

	trace.Stop()
	if err := f.Close(); err != nil {
		panic(err)
	}
}
