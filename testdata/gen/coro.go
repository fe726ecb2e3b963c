//go:build go1.23

// coro.go (Go >= 1.23 only): coroutines via iter.Pull.
//
// Usage: go run -trimpath coro.go OUT.trace
//
// iter.Pull runs the iterator in a coroutine: a goroutine created blocked
// (GoCreateBlocked, NotExist->Waiting) that the caller switches to and from
// directly (GoSwitch: the running goroutine goes Running->Waiting and the
// coroutine Waiting->Running with no scheduler in between), and that
// ends with GoSwitchDestroy when the iterator is done or stopped.
//
//	main.pullAll     pulls 200 values from one iterator (main.numbers.func1)
//	main.pullStop    stops 20 iterators early (stop before exhaustion)
//	main.bouncerA/B  pass one pull iterator back and forth over channels,
//	                 so the coroutine is resumed from two goroutines
//	main.zipper      pulls two iterators in lockstep
package main

import (
	"fmt"
	"iter"
	"os"
	"runtime/trace"
	"sync"
)

func numbers(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func squares(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i * i) {
				return
			}
		}
	}
}

var sum int
var sumMu sync.Mutex

func add(x int) {
	sumMu.Lock()
	sum += x
	sumMu.Unlock()
}

func pullAll(wg *sync.WaitGroup) {
	defer wg.Done()
	next, stop := iter.Pull(numbers(200))
	defer stop()
	for {
		v, ok := next()
		if !ok {
			return
		}
		add(v)
	}
}

func pullStop(wg *sync.WaitGroup) {
	defer wg.Done()
	for i := 0; i < 20; i++ {
		next, stop := iter.Pull(numbers(1000))
		for j := 0; j < 5; j++ {
			v, _ := next()
			add(v)
		}
		stop()
	}
}

type pull struct {
	next func() (int, bool)
	stop func()
}

func bouncer(in <-chan pull, out chan<- pull, wg *sync.WaitGroup) {
	defer wg.Done()
	for p := range in {
		v, ok := p.next()
		if !ok {
			close(out)
			return
		}
		add(v)
		out <- p
	}
	close(out)
}

func bouncerA(in <-chan pull, out chan<- pull, wg *sync.WaitGroup) { bouncer(in, out, wg) }
func bouncerB(in <-chan pull, out chan<- pull, wg *sync.WaitGroup) { bouncer(in, out, wg) }

func zipper(wg *sync.WaitGroup) {
	defer wg.Done()
	n1, s1 := iter.Pull(numbers(100))
	n2, s2 := iter.Pull(squares(100))
	defer s1()
	defer s2()
	for {
		a, ok1 := n1()
		b, ok2 := n2()
		if !ok1 || !ok2 {
			return
		}
		add(a + b)
	}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: coro OUT.trace")
		os.Exit(2)
	}
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	var wg sync.WaitGroup
	wg.Add(5)
	go pullAll(&wg)
	go pullStop(&wg)
	go zipper(&wg)
	a, b := make(chan pull), make(chan pull)
	go bouncerA(a, b, &wg)
	go bouncerB(b, a, &wg)
	next, stop := iter.Pull(numbers(100))
	a <- pull{next, stop}
	wg.Wait()
	stop()
	trace.Stop()
	if err := f.Close(); err != nil {
		panic(err)
	}
}
