// Package parser reads CAR analytics, as CAR's markdown pages or CAR's YAML
// source, into the model of package analytic. Readers never panic and never
// stop at the first problem: each returns what it could read and a list of
// positioned diagnostics.
package parser

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/cartrans/cartrans/diag"
)

// source is one input file's text with an index of its line starts, so any
// byte offset converts to a line and column.
type source struct {
	file  string
	text  []byte
	lines []int // byte offset of the start of each line
}

func newSource(file string, text []byte) *source {
	s := &source{file: file, text: text, lines: []int{0}}
	for i := range text {
		if isLineEnd(text, i) {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// isLineEnd reports whether text[i] ends a line. As in CommonMark and YAML,
// a line ends in "\n", "\r\n" or a lone "\r".
func isLineEnd(text []byte, i int) bool {
	return text[i] == '\n' || (text[i] == '\r' && (i+1 == len(text) || text[i+1] != '\n'))
}

// countLines returns how many lines text has, by the rule newSource uses.
func countLines(text []byte) int { return len(newSource("", text).lines) }

// Lines splits text into lines by the rule the readers number them with,
// without their line endings: line n of a diagnostic is Lines(text)[n-1].
func Lines(text []byte) []string {
	s := newSource("", text)
	out := make([]string, len(s.lines))
	for i, start := range s.lines {
		end := len(text)
		if i+1 < len(s.lines) {
			end = s.lines[i+1]
		}
		// A line ends at its first "\r" or "\n": only its ending is trimmed.
		out[i] = strings.TrimRight(string(text[start:end]), "\r\n")
	}
	return out
}

// pos converts a byte offset to a position; offsets past the end clamp.
func (s *source) pos(off int) diag.Pos {
	off = min(max(off, 0), len(s.text))
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	return diag.Pos{File: s.file, Line: i + 1, Col: off - s.lines[i] + 1}
}

// line returns the position of the start of a 1-based line.
func (s *source) line(n int) diag.Pos {
	return diag.Pos{File: s.file, Line: n, Col: 1}
}

// lineStart returns the offset of the start of the line holding off.
func (s *source) lineStart(off int) int {
	return s.lines[s.pos(off).Line-1]
}

// MaxFileSize is the largest input a reader accepts. CAR analytics are a few
// kilobytes; the bound keeps a stray log file or disk image from being read
// whole into memory and parsed for minutes.
const MaxFileSize = 4 << 20

// checkText reports why text cannot be an analytic at all: empty, binary,
// not UTF-8. It returns false with one diagnostic in that case.
func checkText(s *source, diags *diag.List) bool {
	if len(bytes.TrimSpace(s.text)) == 0 {
		diags.Errorf(s.line(1), "empty file: not a CAR analytic")
		return false
	}
	if i := bytes.IndexByte(s.text, 0); i >= 0 {
		diags.Errorf(s.pos(i), "binary file (NUL byte at offset %d): not a CAR analytic", i)
		return false
	}
	if !utf8.Valid(s.text) {
		off := 0
		for off < len(s.text) {
			r, n := utf8.DecodeRune(s.text[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		diags.Errorf(s.pos(off), "invalid UTF-8 (byte 0x%02x at offset %d): CAR analytics are UTF-8 text", s.text[off], off)
		return false
	}
	return true
}
