// fuzz2bin: decode Go fuzz corpus files ("go test fuzz v1" text format, one
// Go expression per argument, here a single []byte("...")) into raw files.
// Plain Go (no internal packages). Usage: fuzz2bin OUTDIR FILE...
package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func decode(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) != 2 || lines[0] != "go test fuzz v1" {
		return nil, fmt.Errorf("%s: want the header line and one []byte value, have %d lines", path, len(lines))
	}
	e, err := parser.ParseExpr(lines[1])
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	call, ok := e.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return nil, fmt.Errorf("%s: not a conversion: %s", path, lines[1])
	}
	if at, ok := call.Fun.(*ast.ArrayType); !ok || at.Len != nil || fmt.Sprint(at.Elt) != "byte" {
		return nil, fmt.Errorf("%s: not a []byte value", path)
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return nil, fmt.Errorf("%s: not a string literal", path)
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return []byte(s), nil
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: fuzz2bin OUTDIR FILE...")
		os.Exit(2)
	}
	bad := false
	for _, p := range os.Args[2:] {
		b, err := decode(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			bad = true
			continue
		}
		if err := os.WriteFile(filepath.Join(os.Args[1], filepath.Base(p)+".trace"), b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			bad = true
		}
	}
	if bad {
		os.Exit(1)
	}
}
