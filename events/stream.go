package events

import (
	"bytes"
	"fmt"
	"io"

	"github.com/valyala/fastjson"
)

// stream is the JSON reader's input: a buffer over the reader that keeps
// the value being read (at most MaxEvent bytes of it; past that it keeps
// nothing and marks the value over), knows the line of every byte it
// keeps, and can go back to any of them. Memory is one event's, whatever
// the size of the document the event is in.
type stream struct {
	r    io.Reader
	buf  []byte
	i    int   // the cursor
	keep int   // buf[keep:] is kept; keep <= i
	line int   // the line of buf[keep]
	base int64 // the input offset of buf[0]
	err  error // what ended the input: io.EOF, or a read error
	// dropping: what the cursor passes is not kept (between values, or in
	// a value past the bound).
	dropping bool
	over     bool // the value kept since keepFrom passed MaxEvent
	limit    int
}

// readSize is how much a read asks for.
const readSize = 64 << 10

func newStream(r io.Reader) *stream {
	return &stream{r: r, line: 1, dropping: true, limit: MaxEvent}
}

// more reads more input, false at its end or on an error (then in s.err).
func (s *stream) more() bool {
	if s.err != nil {
		return false
	}
	if !s.dropping && len(s.buf)-s.keep > s.limit {
		// The value passed the bound: it is scanned to its end, but not
		// kept.
		s.over, s.dropping = true, true
	}
	if s.dropping && s.i > s.keep {
		s.commit(s.i - 1) // the last byte stays, for an error at the end
	}
	if s.keep > 0 {
		n := copy(s.buf, s.buf[s.keep:])
		s.base += int64(s.keep)
		s.i -= s.keep
		s.buf = s.buf[:n]
		s.keep = 0
	}
	if cap(s.buf)-len(s.buf) < readSize {
		// Doubling, but not much past what a value may keep.
		nb := make([]byte, len(s.buf), min(2*cap(s.buf)+readSize, max(s.limit+2*readSize, len(s.buf)+readSize)))
		copy(nb, s.buf)
		s.buf = nb
	}
	for {
		n, err := s.r.Read(s.buf[len(s.buf):cap(s.buf)])
		s.buf = s.buf[:len(s.buf)+n]
		if err != nil {
			s.err = err
		}
		if n > 0 {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// commit lets go of the bytes before buf[k].
func (s *stream) commit(k int) {
	s.line += bytes.Count(s.buf[s.keep:k], nl)
	s.keep = k
}

var nl = []byte{'\n'}

// keepFrom starts keeping a value at the cursor.
func (s *stream) keepFrom() {
	s.commit(s.i)
	s.dropping, s.over = false, false
}

// pos is the input offset of the cursor; lineAt the line of an offset
// still kept.
func (s *stream) pos() int64 { return s.base + int64(s.i) }

func (s *stream) lineAt(off int64) int {
	k := max(off-s.base, int64(s.keep))
	return s.line + bytes.Count(s.buf[s.keep:k], nl)
}

// kept reports whether the input from offset off on is still held.
func (s *stream) kept(off int64) bool { return off >= s.base+int64(s.keep) }

// peek is the byte at the cursor; false at the input's end.
func (s *stream) peek() (byte, bool) {
	if s.i == len(s.buf) && !s.more() {
		return 0, false
	}
	return s.buf[s.i], true
}

// space passes whitespace and returns the byte after it.
func (s *stream) space() (byte, bool) {
	for {
		for ; s.i < len(s.buf); s.i++ {
			switch c := s.buf[s.i]; c {
			case ' ', '\t', '\r', '\n':
			default:
				return c, true
			}
		}
		if !s.more() {
			return 0, false
		}
	}
}

// skipLine moves the cursor past the next newline (or to the end).
func (s *stream) skipLine() {
	for {
		if j := bytes.IndexByte(s.buf[s.i:], '\n'); j >= 0 {
			s.i += j + 1
			return
		}
		s.i = len(s.buf)
		if !s.more() {
			return
		}
	}
}

// syntaxError is JSON that is not: where and why.
type syntaxError struct {
	at  int64
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

func (s *stream) errorf(format string, args ...any) error {
	return &syntaxError{s.pos(), fmt.Sprintf(format, args...)}
}

// unexpected describes the byte at the cursor, or the input's end.
func (s *stream) unexpected(want string) error {
	c, ok := s.peek()
	if !ok {
		// At the last byte read, so that an input ending in a newline
		// puts the error on its last line.
		return &syntaxError{max(s.pos()-1, 0), "unexpected end of input, expecting " + want}
	}
	return s.errorf("unexpected %q, expecting %s", c, want)
}

// maxDepth is fastjson's: a value nested deeper could not be decoded.
const maxDepth = fastjson.MaxDepth

// value scans one JSON value at the cursor (after whitespace), checking
// its syntax: strings, nesting and literals exactly, numbers by their
// characters (the decoder checks the values it reads).
func (s *stream) value(depth int) error {
	c, ok := s.space()
	if !ok {
		return s.unexpected("a value")
	}
	switch {
	case c == '{':
		return s.object(depth+1, nil)
	case c == '[':
		return s.array(depth+1, nil)
	case c == '"':
		return s.str()
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return s.number()
	}
	return s.unexpected("a value")
}

// object scans an object, the cursor at its "{". member, when not nil,
// is offered each member (whether its key is "hits") with the cursor
// before its value; when it says it has read the value, the object goes
// on after it.
func (s *stream) object(depth int, member func(hits bool) (bool, error)) error {
	if depth > maxDepth {
		return s.errorf("nested more than %d levels deep", maxDepth)
	}
	s.i++
	c, ok := s.space()
	if ok && c == '}' {
		s.i++
		return nil
	}
	for {
		if c, ok := s.space(); !ok || c != '"' {
			return s.unexpected("a key")
		}
		keyAt := s.pos()
		if err := s.str(); err != nil {
			return err
		}
		// The key is looked at now: reading on may move the buffer.
		hits := s.kept(keyAt) && string(s.buf[keyAt-s.base+1:s.i-1]) == "hits"
		if c, ok := s.space(); !ok || c != ':' {
			return s.unexpected("':' after a key")
		}
		s.i++
		done := false
		if member != nil {
			var err error
			if done, err = member(hits); err != nil {
				return err
			}
		}
		if !done {
			if err := s.value(depth); err != nil {
				return err
			}
		}
		c, ok := s.space()
		switch {
		case ok && c == ',':
			s.i++
		case ok && c == '}':
			s.i++
			return nil
		default:
			return s.unexpected("',' or '}' after an object member")
		}
	}
}

// array scans an array, the cursor at its "[". element, when not nil,
// reads each element instead of the scan, the cursor at its start.
func (s *stream) array(depth int, element func() error) error {
	if depth > maxDepth {
		return s.errorf("nested more than %d levels deep", maxDepth)
	}
	s.i++
	c, ok := s.space()
	if ok && c == ']' {
		s.i++
		return nil
	}
	for {
		var err error
		if element != nil {
			if _, ok := s.space(); !ok {
				return s.unexpected("a value")
			}
			err = element()
		} else {
			err = s.value(depth)
		}
		if err != nil {
			return err
		}
		c, ok := s.space()
		switch {
		case ok && c == ',':
			s.i++
		case ok && c == ']':
			s.i++
			return nil
		default:
			return s.unexpected("',' or ']' after an array element")
		}
	}
}

// str scans a string, the cursor at its opening quote. A string cannot
// hold a control character, a line break above all: a line cut short
// inside a string is found at its end.
func (s *stream) str() error {
	s.i++
	for {
		// The plain run up to the closing quote is passed in one go.
		rest := s.buf[s.i:]
		end := bytes.IndexByte(rest, '"')
		if end < 0 {
			end = len(rest)
		}
		k := special(rest[:end])
		switch {
		case k < 0 && end < len(rest):
			s.i += end + 1
			return nil
		case k < 0:
			s.i = len(s.buf)
			if !s.more() {
				return s.unexpected("the rest of a string")
			}
		case rest[k] == '\\':
			s.i += k
			if s.i+1 == len(s.buf) && !s.more() {
				s.i++
				return s.unexpected("the rest of a string")
			}
			s.i += 2 // the backslash and the character it escapes
		default:
			s.i += k
			return s.errorf("control character %q in a string", rest[k])
		}
	}
}

// special is the index of the first backslash or control character in b,
// or -1.
func special(b []byte) int {
	for k, c := range b {
		if c < 0x20 || c == '\\' {
			return k
		}
	}
	return -1
}

func (s *stream) literal(word string) error {
	for k := 0; k < len(word); k++ {
		if c, ok := s.peek(); !ok || c != word[k] {
			return s.unexpected(fmt.Sprintf("%q", word))
		}
		s.i++
	}
	return nil
}

func (s *stream) number() error {
	for {
		c, ok := s.peek()
		if !ok || !('0' <= c && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			return nil
		}
		s.i++
	}
}
