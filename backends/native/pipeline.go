package native

import (
	"bufio"
	"bytes"
	"cmp"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/internal/plural"
)

// blockSize is how much NDJSON a worker takes at a time.
const blockSize = 1 << 20

// Counts are what a run read.
type Counts struct {
	Bytes  int64
	Events int // lines of NDJSON that are not blank (read or passed over), events otherwise
	// Recognised counts the events a schema read (not those the
	// prefilter passed over, nor those no schema recognises); Fit, those
	// of them of a kind some output searches under their schema.
	Recognised, Fit int
	// Schemas names the schemas the events were read with; Fitting, the
	// others under which an event no output searched would have been
	// searched (sorted).
	Schemas, Fitting []string
}

// Unsearched says, of an input none of whose events was of a kind any
// output searches under the schema it was read with, which schema that
// was, how it was chosen (forced is the schema --schema named, "" when
// detected), which schemas would have searched some of them, and the flag
// that forces one; "" for an input with an event searched, or none read.
// A run or test that found nothing for that reason must not look like one
// that searched and found nothing.
func (c Counts) Unsearched(forced string) string {
	if c.Recognised == 0 || c.Fit > 0 {
		return ""
	}
	how := "detected"
	if forced != "" {
		how = "--schema " + forced
	}
	msg := fmt.Sprintf("no analytic searches the %s of its %s read with schema %s (%s)",
		plural.Word(c.Recognised, "kind", "kinds"), plural.N(c.Recognised, "event", "events"), strings.Join(c.Schemas, ", "), how)
	switch len(c.Fitting) {
	case 0:
		return msg + ", nor would with any other schema"
	case 1:
		return msg + fmt.Sprintf("; read with schema %s, some are searched: --schema %[1]s forces it", c.Fitting[0])
	}
	return msg + fmt.Sprintf("; read with schema %s, some are searched: --schema NAME forces one", strings.Join(c.Fitting, " or "))
}

// add counts a result's events.
func (c *Counts) add(res *result) {
	c.Events += res.lines
	c.Recognised += res.recognised
	c.Fit += res.fit
	for _, s := range res.schemas {
		if !slices.Contains(c.Schemas, s.Name) {
			c.Schemas = append(c.Schemas, s.Name)
		}
	}
	for _, s := range res.fitting {
		if i, found := slices.BinarySearch(c.Fitting, s.Name); !found {
			c.Fitting = slices.Insert(c.Fitting, i, s.Name)
		}
	}
}

// Run runs the engine over one input on every core: NDJSON is cut into
// blocks of whole lines, and workers find the lines the prefilter lets
// through, decode and classify them; JSON's values are found in order and
// laid one a line in blocks for the same work; XML is read in order and
// its events classified by the workers. The engine's state (joins,
// groups, the output) sees the events in input order. Unreadable events
// go to bad, in order.
func (e *Engine) Run(r io.Reader, name string, format events.Format, bad func(events.Bad)) (Counts, error) {
	cr := &countingReader{r: r}
	br, format, closeFn, err := events.Open(cr, name, format)
	if err != nil {
		return Counts{}, err
	}
	defer closeFn()
	workers := runtime.GOMAXPROCS(0)
	var c Counts
	switch format {
	case events.NDJSON:
		err = e.runNDJSON(br, name, workers, bad, &c)
	case events.JSON:
		err = e.runJSON(br, name, workers, bad, &c)
	case events.EVTX:
		// Read by offset, from r itself when it is the file (see
		// events.EVTXSource): what cr counted is not what was read.
		ra, size, closeSrc, serr := events.EVTXSource(r, br, name)
		if serr != nil {
			return c, serr
		}
		defer closeSrc()
		err = e.runEvents(workers, bad, &c, func(rd events.Reader) error { return rd.ReadEVTX(ra, size, name) })
		c.Bytes = size
		return c, err
	default:
		err = e.runEvents(workers, bad, &c, func(rd events.Reader) error { return rd.ReadFormat(br, name, format) })
	}
	c.Bytes = cr.n
	return c, err
}

// result is what a worker made of a block: the events that matter to an
// output (the others are only counted, so that a block's events do not
// outlive it).
type result struct {
	classified   []*classified
	unrecognised int
	// recognised and fit count events as Counts does; schemas and
	// fitting are Counts' Schemas and Fitting.
	recognised, fit  int
	schemas, fitting []*Schema
	bad              []events.Bad
	lines            int
	// block is returned to the pool once the result is applied: the
	// classified events' Raw points into it until then.
	block *[]byte
}

var blocks = sync.Pool{New: func() any { b := make([]byte, 0, blockSize); return &b }}

// ordered runs work on workers and hands results to apply in the order
// of their sequence numbers, keeping at most 2×workers in flight so that
// memory stays flat whatever the input's size.
func ordered(workers int, produce func(submit func(work func() result) bool) error, apply func(result) error) error {
	type job struct {
		seq  int
		work func() result
	}
	type done struct {
		seq int
		res result
	}
	jobs := make(chan job)
	results := make(chan done, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				results <- done{j.seq, j.work()}
			}
		})
	}
	var applyErr error
	finished := make(chan struct{})
	slots := make(chan struct{}, 2*workers)
	go func() {
		defer close(finished)
		pending := map[int]result{}
		next := 0
		for d := range results {
			pending[d.seq] = d.res
			for {
				res, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				<-slots
				if applyErr == nil {
					applyErr = apply(res)
				}
			}
		}
	}()
	seq := 0
	stop := false
	produceErr := produce(func(work func() result) bool {
		if stop {
			return false
		}
		slots <- struct{}{}
		jobs <- job{seq, work}
		seq++
		return true
	})
	close(jobs)
	wg.Wait()
	close(results)
	<-finished
	if produceErr != nil {
		return produceErr
	}
	return applyErr
}

// keep counts a classified event and adds it when some output needs it,
// saying whether it did.
func (e *Engine) keep(r *result, c *classified) bool {
	if c.unrecognised {
		r.unrecognised++
		return false
	}
	r.recognised++
	if !slices.Contains(r.schemas, c.x.schema) {
		r.schemas = append(r.schemas, c.x.schema)
	}
	switch {
	case c.fit:
		r.fit++
	case r.fit == 0:
		// Which other schema would have searched it is said only of an
		// input none of whose events fit, so it is worked out only until
		// one does.
		for _, s := range e.fitting(c.x) {
			if !slices.Contains(r.fitting, s) {
				r.fitting = append(r.fitting, s)
			}
		}
	}
	if len(c.hits) > 0 {
		r.classified = append(r.classified, c)
		return true
	}
	return false
}

func (e *Engine) apply(res result, bad func(events.Bad), c *Counts) error {
	for _, b := range res.bad {
		bad(b)
	}
	e.Unrecognised += res.unrecognised
	c.add(&res)
	defer func() {
		if res.block != nil && cap(*res.block) == blockSize {
			blocks.Put(res.block)
		}
	}()
	for _, x := range res.classified {
		if err := e.applyOne(x); err != nil {
			return err
		}
	}
	return nil
}

// runNDJSON cuts the input into blocks of whole lines for the workers.
func (e *Engine) runNDJSON(br *bufio.Reader, name string, workers int, bad func(events.Bad), c *Counts) error {
	decoders := sync.Pool{New: func() any { return &events.Decoder{Alias: true} }}
	return ordered(workers, func(submit func(func() result) bool) error {
		line := 1
		var carry []byte
		for {
			var bp *[]byte
			var buf []byte
			if len(carry) < blockSize/2 {
				bp = blocks.Get().(*[]byte)
				buf = append((*bp)[:0], carry...)
			} else {
				buf = make([]byte, len(carry), 2*len(carry))
				copy(buf, carry)
				bp = &buf
			}
			n, err := fill(br, buf[len(carry):cap(buf)])
			buf = buf[:len(carry)+n]
			// At a read error (a gzip stream cut short), the whole lines
			// read are run, then the error ends the input.
			eof := err == io.EOF
			var readErr error
			if err != nil && !eof {
				readErr = err
			}
			cut := len(buf)
			if !eof {
				cut = bytes.LastIndexByte(buf, '\n') + 1
				if cut == 0 && readErr != nil {
					return events.InputError(name, line, readErr)
				}
				if cut == 0 {
					if len(buf) > events.MaxEvent {
						// One line longer than any event: skip to its end.
						bad(events.Bad{File: name, Line: line, Reason: events.TooLarge("line")})
						_, err := br.ReadSlice('\n')
						for err == bufio.ErrBufferFull {
							_, err = br.ReadSlice('\n')
						}
						line++
						carry = nil
						if err == io.EOF {
							return nil
						}
						if err != nil {
							return events.InputError(name, line, err)
						}
						continue
					}
					carry = buf // a line longer than a block: read on
					continue
				}
			}
			block, first := buf[:cut], line
			line += bytes.Count(block, []byte{'\n'})
			carry = append([]byte(nil), buf[cut:]...)
			if len(block) > 0 && !submit(func() result {
				d := decoders.Get().(*events.Decoder)
				defer decoders.Put(d)
				res := e.block(d, block, name, first, nil)
				res.block = bp
				return res
			}) {
				return nil
			}
			if readErr != nil {
				return events.InputError(name, line, readErr)
			}
			if eof {
				return nil
			}
		}
	}, func(res result) error { return e.apply(res, bad, c) })
}

// fill reads until p is full or the input ends; err is the input's own
// (io.EOF at its end), never io.ReadFull's io.ErrUnexpectedEOF, which a
// truncated gzip stream also returns.
func fill(r io.Reader, p []byte) (n int, err error) {
	for n < len(p) && err == nil {
		var k int
		k, err = r.Read(p[n:])
		n += k
	}
	return n, err
}

// block reads the lines of a block the prefilter lets through: NDJSON
// lines from line first on, or JSON values one a line, the line each was
// read at in lines.
func (e *Engine) block(d *events.Decoder, block []byte, name string, first int, lines []int) result {
	var res result
	k, at := 0, 0 // at is in the block's line k (from 0)
	read := func(s, end int) {
		k += bytes.Count(block[at:s], []byte{'\n'})
		at = s
		line := first + k
		if lines != nil {
			line = lines[k]
		}
		text := bytes.TrimSpace(block[s:end])
		if first == 1 && s == 0 {
			text = bytes.TrimPrefix(text, []byte("\ufeff"))
		}
		if len(text) == 0 {
			return
		}
		_ = d.Decode(text, name, line, func(ev events.Event) error {
			if !e.keep(&res, e.classify(ev)) {
				d.Recycle(ev.Fields)
			}
			return nil
		}, func(b events.Bad) { res.bad = append(res.bad, b) })
	}
	// With a prefilter, a line is decoded when it holds a literal the
	// analytics require, or when it is not a braced object at all (so a
	// broken line is still reported); a braced line holding no literal
	// cannot match, and is passed over unparsed.
	var wanted []int
	if e.pre != nil {
		e.pre.lines(block, func(s, _ int) { wanted = append(wanted, s) })
	}
	for s, w := 0, 0; s < len(block); {
		end := bytes.IndexByte(block[s:], '\n')
		if end < 0 {
			end = len(block)
		} else {
			end += s
		}
		if !blank(block[s:end]) {
			res.lines++
		}
		for w < len(wanted) && wanted[w] < s {
			w++
		}
		if e.pre == nil || w < len(wanted) && wanted[w] == s || !braced(block[s:end]) {
			read(s, end)
		}
		s = end + 1
	}
	return res
}

// blank reports a line of whitespace only: not an event, nor counted as
// one.
func blank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// braced reports a line that begins with "{" and ends with "}" (or is
// blank), the shape of every NDJSON event.
func braced(line []byte) bool {
	line = bytes.TrimSpace(line)
	return len(line) == 0 || line[0] == '{' && line[len(line)-1] == '}'
}

// runJSON has the workers read JSON values (documents, array elements,
// search hits) as they read NDJSON lines, prefilter first: the values,
// found in order by events' JSON reader, are laid one a line in blocks.
// A value's line breaks are whitespace (a JSON string cannot hold one),
// so it is put on one line by making them spaces.
func (e *Engine) runJSON(br *bufio.Reader, name string, workers int, bad func(events.Bad), c *Counts) error {
	decoders := sync.Pool{New: func() any { return &events.Decoder{Alias: true} }}
	return ordered(workers, func(submit func(func() result) bool) error {
		var bp *[]byte
		var lines []int
		var bads []events.Bad
		stopped := false
		flush := func() {
			if bp == nil && len(bads) == 0 {
				return
			}
			p, ls, bs := bp, lines, bads
			bp, lines, bads = nil, nil, nil
			stopped = !submit(func() result {
				var res result
				if p != nil {
					d := decoders.Get().(*events.Decoder)
					defer decoders.Put(d)
					res = e.block(d, *p, name, 0, ls)
					res.block = p
				}
				// The reader's reports and the decoder's, in line order.
				res.bad = append(bs, res.bad...)
				slices.SortStableFunc(res.bad, func(a, b events.Bad) int { return cmp.Compare(a.Line, b.Line) })
				return res
			})
		}
		rd := events.Reader{Bad: func(b events.Bad) { bads = append(bads, b) }}
		err := rd.JSONValues(br, name, func(raw []byte, line int) error {
			if bp == nil {
				bp = blocks.Get().(*[]byte)
				*bp = (*bp)[:0]
			}
			b := append(*bp, raw...)
			for i := len(b) - len(raw); ; {
				j := bytes.IndexByte(b[i:], '\n')
				if j < 0 {
					break
				}
				b[i+j] = ' '
				i += j + 1
			}
			*bp = append(b, '\n')
			lines = append(lines, line)
			if len(*bp) >= blockSize*3/4 || len(bads) >= 256 {
				if flush(); stopped {
					return errStopped
				}
			}
			return nil
		})
		if err == errStopped {
			return nil
		}
		flush()
		return err
	}, func(res result) error { return e.apply(res, bad, c) })
}

// runEvents reads XML or EVTX (the formats other than NDJSON and JSON)
// with read, in order, and has the workers classify the events in
// batches.
func (e *Engine) runEvents(workers int, bad func(events.Bad), c *Counts, read func(events.Reader) error) error {
	const batch = 256
	return ordered(workers, func(submit func(func() result) bool) error {
		var evs []events.Event
		var bads []events.Bad
		flush := func() bool {
			es, bs := evs, bads
			evs, bads = nil, nil
			return submit(func() result {
				res := result{bad: bs, lines: len(es)}
				for _, ev := range es {
					e.keep(&res, e.classify(ev))
				}
				return res
			})
		}
		rd := events.Reader{
			Event: func(ev events.Event) error {
				evs = append(evs, ev)
				if len(evs) == batch && !flush() {
					return errStopped
				}
				return nil
			},
			Bad: func(b events.Bad) { bads = append(bads, b) },
		}
		err := read(rd)
		if err == errStopped {
			return nil
		}
		// The events read before an input error are run.
		if len(evs) > 0 || len(bads) > 0 {
			flush()
		}
		return err
	}, func(res result) error { return e.apply(res, bad, c) })
}

var errStopped = fmt.Errorf("stopped")

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
