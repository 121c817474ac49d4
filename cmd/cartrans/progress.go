package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/cartrans/cartrans/events"
)

// progress shows, on a terminal, how much of a large input a run has
// read: a line rewritten in place every 200 ms, cleared at the end.
type progress struct {
	w     io.Writer
	total int64
	read  atomic.Int64
	start time.Time
	stop  chan struct{}
	done  chan struct{}
}

// progressThreshold is the input size from which a run shows progress.
const progressThreshold = 64 << 20

// newProgress returns nil unless w is a terminal and total is large.
func newProgress(w io.Writer, total int64) *progress {
	f, ok := w.(*os.File)
	if !ok || total < progressThreshold {
		return nil
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	p := &progress{w: w, total: total, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer close(p.done)
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			fmt.Fprint(p.w, "\r\033[K")
			return
		case <-t.C:
			n := p.read.Load()
			secs := max(time.Since(p.start).Seconds(), 1e-9)
			fmt.Fprintf(p.w, "\r\033[Kreading %3.0f%%  %.0f of %.0f MB  %.0f MB/s", 100*float64(n)/float64(p.total), float64(n)/1e6, float64(p.total)/1e6, float64(n)/1e6/secs)
		}
	}
}

// reader counts what r gives towards the progress.
func (p *progress) reader(r io.Reader) io.Reader {
	if p == nil {
		return r
	}
	return &progressReader{r: r, p: p}
}

// finish clears the line.
func (p *progress) finish() {
	if p == nil {
		return
	}
	close(p.stop)
	<-p.done
}

type progressReader struct {
	r io.Reader
	p *progress
}

func (pr *progressReader) Read(b []byte) (int, error) {
	n, err := pr.r.Read(b)
	pr.p.read.Add(int64(n))
	return n, err
}

// inputSize sums the sizes of the files and directories given (standard
// input counts nothing).
func inputSize(paths []string) int64 {
	var total int64
	for _, p := range paths {
		if p == "-" {
			continue
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r // a named link is read through, as events.Walk does
		}
		_ = walkSizes(p, &total)
	}
	return total
}

func walkSizes(root string, total *int64) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if path != root && !events.IsLogFile(path) {
			return nil
		}
		if info, err := d.Info(); err == nil {
			*total += info.Size()
		}
		return nil
	})
}
