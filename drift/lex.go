package drift

import (
	"strings"

	"github.com/cartrans/cartrans/lang"
)

// The cursor Splunk's and LogPoint's readers share over their tokens
// (lang.LexTerms, under each language's rules: lang/splunk, lang/logpoint).

type token = lang.Token

// tokens is a cursor over a token list.
type tokens struct {
	toks []token
	i    int
	// fold: keywords are compared without case (LogPoint's "search
	// keywords are not case-sensitive"); SPL's are upper case.
	fold bool
}

func (t *tokens) peek() token { return t.toks[t.i] }

func (t *tokens) next() token {
	tok := t.toks[t.i]
	if tok.Kind != lang.EOF {
		t.i++
	}
	return tok
}

// isWord reports whether the next token is one of the words ws.
func (t *tokens) isWord(ws ...string) bool {
	tok := t.peek()
	if tok.Kind != lang.Word {
		return false
	}
	for _, w := range ws {
		if tok.Text == w || t.fold && strings.EqualFold(tok.Text, w) {
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
		end = toks[to].Pos
	}
	return strings.TrimSpace(q[toks[from].Pos:end])
}
