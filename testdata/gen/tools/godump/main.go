// godump prints every event of a Go execution trace as Go's own parser
// (internal/trace) sees it, one Event.String() per event, so gotraceview's
// `dump` can be compared with it. Built inside a GOROOT like
// ../../../../shared/tools/build.sh does (see testdata/gen/tools/build.sh).
//
//	godump FILE          print events; a parse error ends with "ERROR: msg"
//	godump -digest FILE  print "events N sha256 HEX" of the same text
package main

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"internal/trace"
	"io"
	"os"
)

func main() {
	digest := false
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "-digest" {
		digest = true
		args = args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: godump [-digest] FILE")
		os.Exit(2)
	}
	f, err := os.Open(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	var w io.Writer = out
	h := sha256.New()
	if digest {
		w = h
	}
	n := 0
	r, err := trace.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		fmt.Fprintf(w, "ERROR: %v\n", err)
	} else {
		for {
			ev, err := r.ReadEvent()
			if err == io.EOF {
				break
			}
			if err != nil {
				fmt.Fprintf(w, "ERROR: %v\n", err)
				break
			}
			n++
			fmt.Fprintln(w, ev.String())
		}
	}
	if digest {
		fmt.Fprintf(out, "events %d sha256 %x\n", n, h.Sum(nil))
	}
}
