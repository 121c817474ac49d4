// Command sysmongen writes a synthetic Sysmon NDJSON log of a given size
// to standard output, for measuring `cartrans run` on large inputs:
//
//	go run ./internal/sysmongen/cmd/sysmongen -mb 1024 > day.ndjson
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/cartrans/cartrans/internal/sysmongen"
)

func main() {
	mb := flag.Int64("mb", 100, "size of the log in MB")
	flag.Parse()
	if _, err := sysmongen.WriteTo(os.Stdout, *mb<<20); err != nil {
		fmt.Fprintln(os.Stderr, "sysmongen:", err)
		os.Exit(1)
	}
}
