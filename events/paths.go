package events

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cartrans/cartrans/internal/safefile"
)

// IsLogFile reports a file a directory's walk reads: .json, .ndjson,
// .jsonl, .xml and .evtx, and those gzip-compressed (.gz).
func IsLogFile(path string) bool {
	path = strings.TrimSuffix(strings.ToLower(path), ".gz")
	switch filepath.Ext(path) {
	case ".json", ".ndjson", ".jsonl", ".xml", ".evtx":
		return true
	}
	return false
}

// Walk calls read for each input: "-" for stdin; a path is read as what
// it names, a symbolic link followed: a folder is walked for its event
// log files (IsLogFile, hidden ones passed over, in lexical order), any
// other file read as a stream whatever its name (a FIFO, /dev/stdin, a
// shell's <(...)). What a folder holds that is not read, skipped is told
// with the reason (links inside a folder are not followed; see
// safefile.Walker), as is a folder with no log file at all. A path that
// cannot be opened, or that read fails on, is an error naming it; the
// others are still read.
func Walk(paths []string, stdin io.Reader, read func(r io.Reader, name string) error, skipped func(path, why string)) []error {
	var errs []error
	readFile := func(path string) {
		f, err := os.Open(path)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", path, unwrapPath(err)))
			return
		}
		defer f.Close()
		if err := read(f, path); err != nil {
			errs = append(errs, err)
		}
	}
	for _, p := range paths {
		if p == "-" {
			if err := read(stdin, "<stdin>"); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", p, unwrapPath(err)))
			continue
		}
		if !st.IsDir() {
			readFile(p)
			continue
		}
		found, failed := 0, false
		safefile.Walker{
			Want:    IsLogFile,
			Visit:   func(path string) { found++; readFile(path) },
			Skipped: skipped,
			Failed: func(path string, err error) {
				failed = failed || path == p
				errs = append(errs, fmt.Errorf("%s: %v", path, err))
			},
		}.Walk(p)
		if found == 0 && !failed {
			skipped(p, "no event log files read in the folder (*.json, *.ndjson, *.jsonl, *.xml, *.evtx, each possibly .gz)")
		}
	}
	return errs
}

func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
