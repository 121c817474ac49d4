package events

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Input is what a run read: bytes and events per file.
type Input struct {
	Bytes  int64
	Events int
	Files  int
}

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

// ReadPaths reads files, directories (their event log files, IsLogFile,
// hidden ones skipped, in lexical order) and "-" for stdin, counting what it read.
// A file that cannot be opened is an error naming it; the others are
// still read.
func (rd Reader) ReadPaths(paths []string, stdin io.Reader, format Format) (Input, []error) {
	var in Input
	var errs []error
	count := rd
	count.Event = func(e Event) error {
		in.Events++
		return rd.Event(e)
	}
	read := func(r io.Reader, name string) {
		cr := &countingReader{r: r}
		in.Files++
		if err := count.Read(cr, name, format); err != nil {
			errs = append(errs, err)
		}
		in.Bytes += cr.n
	}
	for _, p := range paths {
		if p == "-" {
			read(stdin, "<stdin>")
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
			read(f, path)
			return nil
		})
		if err != nil {
			errs = append(errs, err)
		}
	}
	return in, errs
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if e, ok := err.(*fs.PathError); ok {
		pe = e
		return pe.Err
	}
	return err
}
