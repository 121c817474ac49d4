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
func Split(toks []Token, diags *diag.List) []Token {
	out := make([]Token, 0, len(toks))
	var open []Token // the open ( and [
	closeAll := func(at Token) {
		if len(open) == 0 {
			return
		}
		last := out[len(out)-1]
		end := last.Pos
		end.Col += len(last.Text)
		var closers strings.Builder
		for k := len(open) - 1; k >= 0; k-- {
			kind, text := RParen, ")"
			if open[k].Kind == LBrack {
				kind, text = RBrack, "]"
			}
			closers.WriteString(text)
			out = append(out, Token{Kind: kind, Text: text, Pos: end, Off: last.Off + len(last.Text), Line: last.Line, Synthetic: true, Glued: true})
		}
		*diags = append(*diags, diag.Diagnostic{
			Pos: end, Severity: diag.Warning, Code: CodeMissingParen,
			Message:    "missing " + quoteText(closers.String()) + " added at the end of the statement",
			Suggestion: "the statement opened at " + open[0].Pos.String() + " is not closed",
		})
		open = open[:0]
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		switch t.Kind {
		case LParen, LBrack:
			open = append(open, t)
			out = append(out, t)
		case RParen, RBrack:
			if len(open) == 0 {
				if closersEndStatement(toks, i) {
					*diags = append(*diags, diag.Diagnostic{Pos: t.Pos, Severity: diag.Warning, Code: CodeExtraParen,
						Message: "extra " + quoteText(t.Text) + " at the end of the statement, dropped"})
				} else {
					*diags = append(*diags, diag.Diagnostic{Pos: t.Pos, Severity: diag.Error, Code: CodeUnmatchedParen,
						Message:    quoteText(t.Text) + " closes nothing: the parentheses of this statement do not balance",
						Suggestion: "check which group it was meant to end"})
				}
				continue
			}
			want := RParen
			if open[len(open)-1].Kind == LBrack {
				want = RBrack
			}
			if t.Kind != want {
				*diags = append(*diags, diag.Diagnostic{Pos: t.Pos, Severity: diag.Error, Code: CodeUnmatchedParen,
					Message: quoteText(t.Text) + " closes " + quoteText(open[len(open)-1].Text) + " opened at " + open[len(open)-1].Pos.String()})
			}
			open = open[:len(open)-1]
			out = append(out, t)
		case Newline:
			if len(open) > 0 {
				if startsStatement(toks, i+1) {
					closeAll(t)
					out = append(out, t)
				}
				continue
			}
			if len(out) == 0 || out[len(out)-1].Kind == Newline ||
				continues(out[len(out)-1]) || nextLineContinues(toks, i+1) {
				continue
			}
			out = append(out, t)
		case EOF:
			closeAll(t)
			if len(out) > 0 && out[len(out)-1].Kind != Newline {
				out = append(out, Token{Kind: Newline, Pos: t.Pos, Off: t.Off, Line: t.Line, Synthetic: true})
			}
			out = append(out, t)
		default:
			out = append(out, t)
		}
	}
	return out
}

func quoteText(s string) string { return "'" + s + "'" }

// closersEndStatement reports whether the token at i and those after it up
// to the end of the statement are all closing brackets.
func closersEndStatement(toks []Token, i int) bool {
	for j := i; j < len(toks); j++ {
		switch toks[j].Kind {
		case RParen, RBrack:
		case EOF:
			return true
		case Newline:
			return !nextLineContinues(toks, j+1)
		default:
			return false
		}
	}
	return true
}

// statementKeywords begin the right-hand side of a dataset assignment.
var statementKeywords = map[string]bool{
	"search": true, "filter": true, "join": true, "group": true, "from": true, "run": true, "count": true,
}

// startsStatement reports whether the line at toks[i] plainly begins a
// statement: "output …", "return …", "input …", or "x = search|filter|…".
func startsStatement(toks []Token, i int) bool {
	for i < len(toks) && toks[i].Kind == Newline {
		i++
	}
	if i+1 >= len(toks) || toks[i].Kind != Word {
		return false
	}
	switch strings.ToLower(toks[i].Text) {
	case "output", "return", "input":
		k := toks[i+1].Kind
		return k == Word || k == LParen
	}
	return i+2 < len(toks) && toks[i+1].Kind == Assign && toks[i+2].Kind == Word &&
		statementKeywords[strings.ToLower(toks[i+2].Text)]
}

// continues reports whether a line ending in t goes on to the next line.
func continues(t Token) bool {
	switch t.Kind {
	case Eq, Assign, Ne, Lt, Le, Gt, Ge, Plus, Minus, Bang, AndAnd, OrOr, Comma, LParen, LBrack:
		return !t.Synthetic
	case Word:
		switch strings.ToLower(t.Text) {
		case "and", "or", "not", "where", "in", "contains", "match", "by", "select":
			return true
		}
	}
	return false
}

// nextLineContinues reports whether the line at toks[i] begins with a
// connective, continuing the statement before it.
func nextLineContinues(toks []Token, i int) bool {
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
		w := strings.ToLower(t.Text)
		return w == "and" || w == "or"
	}
	return false
}
