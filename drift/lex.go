package drift

import "strings"

// The lexer Splunk's and LogPoint's readers share: both languages write a
// search as terms side by side, field=value comparisons, parentheses and
// pipes; they differ in what a backslash means and in LogPoint's "-"
// negation and [list] syntax.

type tokKind int

const (
	tWord tokKind = iota // a bare word: a field, a value, a keyword
	tStr                 // a quoted string, unescaped
	tOp                  // = == != < <= > >=
	tLParen
	tRParen
	tLBrack
	tRBrack
	tPipe
	tComma
	tMacro // `macro`
	tEOF
)

type token struct {
	kind tokKind
	text string
	pos  int
}

// lexRules are what a language's strings mean.
type lexRules struct {
	// escapes: a backslash escapes a backslash, a quote and a pipe
	// (Splunk); otherwise a backslash is itself (LogPoint).
	escapes bool
	// single: 'text' is a string too (LogPoint).
	single bool
}

func lex(q string, r lexRules) ([]token, error) {
	var out []token
	i := 0
	for i < len(q) {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"' || (c == '\'' && r.single):
			var b strings.Builder
			j := i + 1
			for ; j < len(q) && q[j] != c; j++ {
				if r.escapes && q[j] == '\\' && j+1 < len(q) && (q[j+1] == '\\' || q[j+1] == c) {
					j++
				}
				b.WriteByte(q[j])
			}
			if j >= len(q) {
				return nil, &Error{Pos: i, Msg: "unterminated string"}
			}
			out = append(out, token{tStr, b.String(), i})
			i = j + 1
		case c == '`':
			j := strings.IndexByte(q[i+1:], '`')
			if j < 0 {
				return nil, &Error{Pos: i, Msg: "unterminated macro"}
			}
			out = append(out, token{tMacro, q[i : i+j+2], i})
			i += j + 2
		case c == '(' || c == ')' || c == '[' || c == ']' || c == '|' || c == ',':
			k := map[byte]tokKind{'(': tLParen, ')': tRParen, '[': tLBrack, ']': tRBrack, '|': tPipe, ',': tComma}[c]
			out = append(out, token{k, string(c), i})
			i++
		case c == '=' || c == '<' || c == '>' || (c == '!' && i+1 < len(q) && q[i+1] == '='):
			j := i + 1
			if j < len(q) && q[j] == '=' {
				j++
			}
			out = append(out, token{tOp, q[i:j], i})
			i = j
		default:
			var b strings.Builder
			j := i
			for j < len(q) && !wordEnd(q, j) {
				if r.escapes && q[j] == '\\' && j+1 < len(q) && (q[j+1] == '\\' || q[j+1] == '"' || q[j+1] == '|') {
					j++
				}
				b.WriteByte(q[j])
				j++
			}
			out = append(out, token{tWord, b.String(), i})
			i = j
		}
	}
	return append(out, token{tEOF, "", len(q)}), nil
}

func wordEnd(q string, j int) bool {
	switch q[j] {
	case ' ', '\t', '\n', '\r', '"', '(', ')', '[', ']', '|', ',', '=', '<', '>', '`':
		return true
	case '!':
		return j+1 < len(q) && q[j+1] == '='
	}
	return false
}

// tokens is a cursor over a token list.
type tokens struct {
	toks []token
	i    int
}

func (t *tokens) peek() token { return t.toks[t.i] }

func (t *tokens) next() token {
	tok := t.toks[t.i]
	if tok.kind != tEOF {
		t.i++
	}
	return tok
}

// isWord reports whether the next token is the keyword w (as written: SPL
// and LogPoint keywords are upper case, LogPoint also takes lower).
func (t *tokens) isWord(ws ...string) bool {
	tok := t.peek()
	if tok.kind != tWord {
		return false
	}
	for _, w := range ws {
		if tok.text == w {
			return true
		}
	}
	return false
}

// text is the query text of tokens [from, to), for Unread.
func text(q string, toks []token, from, to int) string {
	if from >= to {
		return ""
	}
	end := len(q)
	if to < len(toks) {
		end = toks[to].pos
	}
	return strings.TrimSpace(q[toks[from].pos:end])
}
