package events

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// IsLogFile reports a file a directory's walk reads: .json, .ndjson,
// .jsonl and .xml, and those gzip-compressed (.gz).
func IsLogFile(path string) bool {
	path = strings.TrimSuffix(strings.ToLower(path), ".gz")
	switch filepath.Ext(path) {
	case ".json", ".ndjson", ".jsonl", ".xml":
		return true
	}
	return false
}

// Walk calls read for each input: files, directories (their event log
// files, IsLogFile, hidden ones skipped, in lexical order) and "-" for
// stdin. A file that cannot be opened, or that read fails on, is an error
// naming it; the others are still read.
func Walk(paths []string, stdin io.Reader, read func(r io.Reader, name string) error) []error {
	var errs []error
	do := func(r io.Reader, name string) {
		if err := read(r, name); err != nil {
			errs = append(errs, err)
		}
	}
	for _, p := range paths {
		if p == "-" {
			do(stdin, "<stdin>")
			continue
		}
		err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %v", path, unwrapPath(err)))
				return nil
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() || path != p && !IsLogFile(path) {
				return nil
			}
			f, err := os.Open(path)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %v", path, unwrapPath(err)))
				return nil
			}
			defer f.Close()
			do(f, path)
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if e, ok := err.(*fs.PathError); ok {
		pe = e
		return pe.Err
	}
	return err
}
