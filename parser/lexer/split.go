package lexer

import (
	"strings"

	"github.com/cartrans/cartrans/diag"
)

// Split decides where statements end. A newline ends a statement unless a
// parenthesis or bracket is open, the line ends in an operator, "where" or
// a comma, or the next line begins with "and" or "or". It returns the
// tokens with only the statement-ending newlines kept, and repairs what is
// certain:
//
//   - parentheses still open when the next line plainly starts a new
//     statement ("output x", "y = filter …") or the program ends are closed
//     at the end of the statement (W105);
//   - closing parentheses too many at the very end of a statement are
//     dropped (W106).
//
// A closing parenthesis too many inside a statement is an error (E107): where
// the author meant the group to end cannot be known.
func Split(ts *Tokens, diags *diag.List) {
	toks := ts.List
	out := make([]Token, 0, len(toks))
	var open []Token // the open ( and [
	closeAll := func(at Token) {
		if len(open) == 0 {
			return
		}
		last := out[len(out)-1]
		end := ts.Pos(last)
		end.Col += len(ts.Text(last))
		var closers strings.Builder
		for k := len(open) - 1; k >= 0; k-- {
			kind, text := RParen, ")"
			if open[k].Kind == LBrack {
				kind, text = RBrack, "]"
			}
			closers.WriteString(text)
			out = append(out, Token{Kind: kind, Line: int32(end.Line), Col: int32(end.Col), Off: last.End, End: last.End, Synthetic: true, Glued: true})
		}
		*diags = append(*diags, diag.Diagnostic{
			Pos: end, Severity: diag.Warning, Code: CodeMissingParen,
			Message:    "missing " + quoteText(closers.String()) + " added at the end of the statement",
			Suggestion: "the statement opened at " + ts.Pos(open[0]).String() + " is not closed",
		})
		open = open[:0]
	}
	// Whether the closers from token i to closersEnd end their statement:
	// the same for every closer of a run, so a run of n closers too many
	// is scanned once, not n times.
	closersEnd, closersEndStmt := 0, false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.Kind {
		case LParen, LBrack:
			open = append(open, t)
			out = append(out, t)
		case RParen, RBrack:
			if len(open) == 0 {
				if i >= closersEnd {
					closersEndStmt, closersEnd = ts.closersEndStatement(i)
				}
				if closersEndStmt {
					*diags = append(*diags, diag.Diagnostic{Pos: ts.Pos(t), Severity: diag.Warning, Code: CodeExtraParen,
						Message: "extra " + quoteText(ts.Text(t)) + " at the end of the statement, dropped"})
				} else {
					*diags = append(*diags, diag.Diagnostic{Pos: ts.Pos(t), Severity: diag.Error, Code: CodeUnmatchedParen,
						Message:    quoteText(ts.Text(t)) + " closes nothing: the parentheses of this statement do not balance",
						Suggestion: "check which group it was meant to end"})
				}
				continue
			}
			want := RParen
			if open[len(open)-1].Kind == LBrack {
				want = RBrack
			}
			if t.Kind != want {
				*diags = append(*diags, diag.Diagnostic{Pos: ts.Pos(t), Severity: diag.Error, Code: CodeUnmatchedParen,
					Message: quoteText(ts.Text(t)) + " closes " + quoteText(ts.Text(open[len(open)-1])) + " opened at " + ts.Pos(open[len(open)-1]).String()})
			}
			open = open[:len(open)-1]
			out = append(out, t)
		case Newline:
			if len(open) > 0 {
				if ts.startsStatement(i + 1) {
					closeAll(t)
					out = append(out, t)
				}
				continue
			}
			if len(out) == 0 || out[len(out)-1].Kind == Newline ||
				ts.continues(out[len(out)-1]) || ts.nextLineContinues(i+1) {
				continue
			}
			out = append(out, t)
		case EOF:
			closeAll(t)
			if len(out) > 0 && out[len(out)-1].Kind != Newline {
				out = append(out, Token{Kind: Newline, Line: t.Line, Col: t.Col, Off: t.Off, End: t.Off, Synthetic: true})
			}
			out = append(out, t)
		default:
			out = append(out, t)
		}
	}
	ts.List = out
}

func quoteText(s string) string { return "'" + s + "'" }

// closersEndStatement reports whether the token at i and those after it up
// to the end of the statement are all closing brackets, and where the run
// of closing brackets from i ends.
func (ts *Tokens) closersEndStatement(i int) (bool, int) {
	toks := ts.List
	for j := i; j < len(toks); j++ {
		switch toks[j].Kind {
		case RParen, RBrack:
		case EOF:
			return true, j
		case Newline:
			return !ts.nextLineContinues(j + 1), j
		default:
			return false, j
		}
	}
	return true, len(toks)
}

// statementKeywords begin the right-hand side of a dataset assignment.
var statementKeywords = map[string]bool{
	"search": true, "filter": true, "join": true, "group": true, "from": true, "run": true, "count": true,
}

// startsStatement reports whether the line at toks[i] plainly begins a
// statement: "output …", "return …", "input …", or "x = search|filter|…".
func (ts *Tokens) startsStatement(i int) bool {
	toks := ts.List
	for i < len(toks) && toks[i].Kind == Newline {
		i++
	}
	if i+1 >= len(toks) || toks[i].Kind != Word {
		return false
	}
	switch strings.ToLower(ts.Text(toks[i])) {
	case "output", "return", "input":
		k := toks[i+1].Kind
		return k == Word || k == LParen
	}
	return i+2 < len(toks) && toks[i+1].Kind == Assign && toks[i+2].Kind == Word &&
		statementKeywords[strings.ToLower(ts.Text(toks[i+2]))]
}

// continues reports whether a line ending in t goes on to the next line.
func (ts *Tokens) continues(t Token) bool {
	switch t.Kind {
	case Eq, Assign, Ne, Lt, Le, Gt, Ge, Plus, Minus, Bang, AndAnd, OrOr, Comma, LParen, LBrack:
		return !t.Synthetic
	case Word:
		switch strings.ToLower(ts.Text(t)) {
		case "and", "or", "not", "where", "in", "contains", "contain", "match", "matches", "of", "by", "select", "as":
			return true
		}
	}
	return false
}

// nextLineContinues reports whether the line at toks[i] begins with a
// connective, continuing the statement before it.
func (ts *Tokens) nextLineContinues(i int) bool {
	toks := ts.List
	for i < len(toks) && toks[i].Kind == Newline {
		i++
	}
	if i >= len(toks) {
		return false
	}
	t := toks[i]
	if t.Kind == AndAnd || t.Kind == OrOr {
		return true
	}
	if t.Kind == Word {
		w := strings.ToLower(ts.Text(t))
		return w == "and" || w == "or"
	}
	return false
}
