// pprofsum prints the totals of pprof profiles: for each file, the number
// of samples, and the sum of each sample value (e.g. contentions/count and
// delay/nanoseconds for the profiles of `go tool trace -pprof=TYPE`).
// Built inside a GOROOT (it uses the pprof package vendored in cmd) by
// ../build.sh.
//
//	pprofsum FILE...   prints one JSON object per file on its own line
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/google/pprof/profile"
)

func main() {
	for _, p := range os.Args[1:] {
		f, err := os.Open(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		prof, err := profile.Parse(f)
		f.Close()
		if err != nil {
			fmt.Fprintln(os.Stderr, p, err)
			os.Exit(1)
		}
		out := map[string]any{"file": p, "samples": len(prof.Sample)}
		types := []string{}
		for i, st := range prof.SampleType {
			var sum int64
			for _, s := range prof.Sample {
				sum += s.Value[i]
			}
			out[st.Type+"/"+st.Unit] = sum
			types = append(types, st.Type+"/"+st.Unit)
		}
		out["sample_types"] = types
		b, _ := json.Marshal(out)
		fmt.Println(string(b))
	}
}
