package format

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/parser"
)

// MaxFixRounds bounds how often Repair compiles a file again after
// repairing it: a repair can reveal the next (a field is checked only once
// the dataset it is read from is defined), and each round compiles the
// whole file. Four rounds are more than any repair in MITRE's corpus
// needs (one); a repair still pending after them is reported, not made.
const MaxFixRounds = 4

// Fixed is what Repair made of one file.
type Fixed struct {
	// Data is the repaired text: the input itself when nothing was
	// repaired.
	Data []byte
	// Applied are the diagnostics repaired, each with its Fix, round by
	// round and in file order. Their positions are in the text of their
	// round; repairs never add or remove a line, so lines stay valid.
	Applied []diag.Diagnostic
	// Analytic and ReadDiags are the repaired text as read; Units its
	// compiled pseudocode; Diags what is left: the units' diagnostics and
	// any repair that could not be made.
	Analytic  *analytic.Analytic
	ReadDiags diag.List
	Units     []*compiler.Unit
	Diags     diag.List
}

// Repair applies the front end's certain repairs (diagnostics with a Fix)
// to the pseudocode of one file, compiling it again after each round, up
// to MaxFixRounds. Nothing else is repaired: a suggestion without a Fix
// (two candidates, or a guess) is left reported. Every edit must find its
// Old text where its position says, inside a pseudocode block, and must
// not overlap another of its round (the later one waits for the next
// round); the result is read back and must be the same analytic but for
// the code, or the file is left as it is.
func Repair(path string, data []byte) Fixed {
	format, _ := parser.FormatOf(path)
	cur := data
	var applied []diag.Diagnostic
	var refused diag.List
	var res Fixed
	for round := 0; ; round++ {
		res.Analytic, res.ReadDiags = parser.Read(path, cur, format)
		res.Units, res.Diags = nil, nil
		if res.Analytic == nil {
			break
		}
		res.Units = compiler.Compile([]*analytic.Analytic{res.Analytic})
		for _, u := range res.Units {
			res.Diags = append(res.Diags, u.Diags...)
		}
		if round == MaxFixRounds {
			break
		}
		next, done, bad := applyFixes(cur, res.Units)
		// What could not be made in the last round is what is left: a
		// refusal repeats in every round until then.
		refused = bad
		if len(done) == 0 {
			break
		}
		cur, applied = next, append(applied, done...)
	}
	res.Diags = append(res.Diags, refused...)
	if len(applied) == 0 {
		res.Data = data
		return res
	}
	if err := verifyCodeOnly(path, data, cur); err != nil {
		a, rd := parser.Read(path, data, format)
		res = Fixed{Data: data, Analytic: a, ReadDiags: rd}
		if a != nil {
			res.Units = compiler.Compile([]*analytic.Analytic{a})
			for _, u := range res.Units {
				res.Diags = append(res.Diags, u.Diags...)
			}
		}
		res.Diags.Errorf(diag.Pos{File: path, Line: 1}, "repairing would change more than the pseudocode (%v); file left as it is", err)
		return res
	}
	res.Data, res.Applied = cur, applied
	return res
}

// applyFixes makes the Fixes of the units' diagnostics in data. It returns
// the new text, the diagnostics repaired and diagnostics for Fixes that
// could not be made.
func applyFixes(data []byte, units []*compiler.Unit) ([]byte, []diag.Diagnostic, diag.List) {
	type edit struct {
		off int
		d   diag.Diagnostic
	}
	starts := lineStarts(data)
	var edits []edit
	var bad diag.List
	for _, u := range units {
		im := u.Implementation()
		first, n := im.CodePos.Line, strings.Count(im.Code, "\n")+1
		for _, d := range u.Diags {
			f := d.Fix
			if f == nil {
				continue
			}
			off := -1
			if l := f.Pos.Line; l >= first && l < first+n && l <= len(starts) && f.Pos.Col >= 1 {
				off = starts[l-1] + f.Pos.Col - 1
			}
			if off < 0 || off+len(f.Old) > len(data) || string(data[off:off+len(f.Old)]) != f.Old ||
				f.Old == "" || strings.ContainsAny(f.Old+f.New, "\r\n") {
				bad.Warnf(f.Pos, "repair %q → %q not made: the text there is not %q in a pseudocode block", f.Old, f.New, f.Old)
				continue
			}
			edits = append(edits, edit{off, d})
		}
	}
	slices.SortStableFunc(edits, func(a, b edit) int { return a.off - b.off })
	var out bytes.Buffer
	var done []diag.Diagnostic
	at := 0
	for _, e := range edits {
		f := e.d.Fix
		if e.off < at {
			// An edit overlapping one made (the same repair reported
			// twice, or another of the same text) waits for the next
			// round, which reports it again if it is still wanted.
			continue
		}
		out.Write(data[at:e.off])
		out.WriteString(f.New)
		at = e.off + len(f.Old)
		done = append(done, e.d)
	}
	out.Write(data[at:])
	return out.Bytes(), done, bad
}

// lineStarts returns the offset of each line's first byte.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' && i+1 < len(data) {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// verifyCodeOnly reads both texts: they must be the same analytic but for
// the code of pseudocode implementations.
func verifyCodeOnly(path string, before, after []byte) error {
	format, _ := parser.FormatOf(path)
	a, _ := parser.Read(path, before, format)
	b, bd := parser.Read(path, after, format)
	if a == nil || b == nil || bd.HasErrors() {
		return fmt.Errorf("the result does not read back")
	}
	var blocks []Block
	if len(a.Implementations) == len(b.Implementations) {
		for i := range a.Implementations {
			if a.Implementations[i].Type == analytic.Pseudocode && a.Implementations[i].Code != b.Implementations[i].Code {
				blocks = append(blocks, Block{Impl: &a.Implementations[i], Old: a.Implementations[i].Code, New: b.Implementations[i].Code})
			}
		}
	}
	return verify(path, before, after, blocks)
}

// FixContext is how many unchanged lines WriteFixDiff shows around a
// repaired one.
const FixContext = 1

// WriteFixDiff writes the repairs of one file as a unified diff, one hunk
// per repaired line (or run of close lines), each hunk's heading (the text
// after "@@ … @@", which patch and git apply ignore) naming the
// diagnostics it repairs, so a reviewer sees why each line changes and the
// diff still applies.
func WriteFixDiff(w io.Writer, path string, before, after []byte, applied []diag.Diagnostic) error {
	a, b := splitLines(before), splitLines(after)
	if len(a) != len(b) {
		// Repairs never add or remove a line (applyFixes refuses line
		// breaks); should one ever, these hunks would misplace it.
		return fmt.Errorf("%s: a repair changed the number of lines; no diff written", path)
	}
	var changed []int
	for i := range a {
		if a[i] != b[i] {
			changed = append(changed, i)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	fmt.Fprintf(w, "--- %s.orig\n+++ %s\n", path, path)
	for len(changed) > 0 {
		// A hunk takes the changed lines whose context would overlap.
		n := 1
		for n < len(changed) && changed[n]-changed[n-1] <= 2*FixContext+1 {
			n++
		}
		lo, hi := max(changed[0]-FixContext, 0), min(changed[n-1]+FixContext, len(a)-1)
		var heading []string
		counts := map[string]int{}
		for _, d := range applied {
			if l := d.Fix.Pos.Line - 1; l >= changed[0] && l <= changed[n-1] {
				h := d.Code + " " + d.Message
				if d.Suggestion != "" {
					h += " (" + d.Suggestion + ")"
				}
				if counts[h] == 0 {
					heading = append(heading, h)
				}
				counts[h]++
			}
		}
		for i, h := range heading {
			if counts[h] > 1 {
				heading[i] = fmt.Sprintf("%s ×%d", h, counts[h])
			}
		}
		fmt.Fprintf(w, "@@ -%d,%d +%d,%d @@ %s\n", lo+1, hi-lo+1, lo+1, hi-lo+1, strings.Join(heading, "; "))
		for i := lo; i <= hi; i++ {
			if a[i] == b[i] {
				writeDiffLine(w, " ", a[i])
				continue
			}
			writeDiffLine(w, "-", a[i])
			writeDiffLine(w, "+", b[i])
		}
		changed = changed[n:]
	}
	return nil
}

func writeDiffLine(w io.Writer, mark, line string) {
	fmt.Fprint(w, mark, line)
	if !strings.HasSuffix(line, "\n") {
		fmt.Fprint(w, "\n\\ No newline at end of file\n")
	}
}
