// SPDX-License-Identifier: Apache-2.0

// gantry-scan: match files (plain or gzip) with the Go bindings and print
// FILE<TAB>LINE<TAB>RULE_ID per rule match, like `gantry match` reports them
// (the corpus comparison test uses it).
//
//	gantry-scan RULES_DIR_OR_PACK FILE...
package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"gantry.dev/gantry"
)

func open(path string) (io.ReadCloser, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(path, ".gz") {
		return f, nil
	}
	z, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{z, f}, nil
}

func run() error {
	if len(os.Args) < 3 {
		return fmt.Errorf("usage: gantry-scan RULES_DIR_OR_PACK FILE...")
	}
	var pack *gantry.Pack
	var err error
	if strings.HasSuffix(os.Args[1], ".gpk") {
		pack, err = gantry.LoadPack(os.Args[1])
	} else {
		pack, _, err = gantry.Compile(gantry.CompileOptions{Paths: []string{os.Args[1]}})
	}
	if err != nil {
		return err
	}
	defer pack.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for _, path := range os.Args[2:] {
		// one session per file, as `gantry match` keeps no state across files
		// for base rules; correlation results are not compared here
		s, err := gantry.NewSession(pack, gantry.SessionOptions{Source: path})
		if err != nil {
			return err
		}
		f, err := open(path)
		if err != nil {
			s.Close()
			return err
		}
		err = s.Scan(ctx, f, func(m gantry.Match) error {
			if m.Kind == "rule" {
				fmt.Fprintf(out, "%s\t%d\t%s\n", m.Source, m.Line, m.Rule.ID)
			}
			return nil
		})
		f.Close()
		s.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gantry-scan:", err)
		os.Exit(2)
	}
}
