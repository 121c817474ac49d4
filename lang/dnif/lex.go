package dnif

import (
	"strings"

	"github.com/cartrans/cartrans/lang"
)

// Kind is a token's kind.
type Kind int

const (
	EOF     Kind = iota
	Word         // a bare word: a keyword, a value, a query function's name
	Field        // $Name or @raw.name, with its sigil
	Op           // a comparison operator (Ops)
	Str          // '…' or "…": Text is its value
	Regex        // regex(RE)i: Text is RE unescaped, Fold the i flag
	LBrack       // [ of an IN list
	RBrack       // ]
	Comma        // , of an IN list
	PipeTok      // >>
)

// Token is a lexeme.
type Token struct {
	Kind     Kind
	Text     string
	Pos, End int
	Fold     bool
}

// Lex cuts a query into tokens, ending with one of kind EOF. A value
// follows the rules a reader of a where clause follows: after an
// operator, regex(…) (ScanRegex), a quoted string (ScanQuoted) or a bare
// word to the next space or >> (Boundary); in an IN list, items run to a
// comma or ] (D-fetch "IN Operator": [PAD, PER]).
func Lex(q string) ([]Token, error) {
	var out []Token
	add := func(k Kind, text string, pos, end int) {
		out = append(out, Token{Kind: k, Text: text, Pos: pos, End: end})
	}
	inList := false
	i := 0
	for i < len(q) {
		c := q[i]
		afterOp := len(out) > 0 && out[len(out)-1].Kind == Op
		switch {
		case IsSpace(c):
			i++
		case strings.HasPrefix(q[i:], Pipe):
			add(PipeTok, Pipe, i, i+2)
			i += 2
		case afterOp && IsRegexAt(q, i):
			re, fold, end, err := ScanRegex(q, i)
			if err != nil {
				return nil, err
			}
			out = append(out, Token{Kind: Regex, Text: re, Pos: i, End: end, Fold: fold})
			i = end
		case c == '\'' || c == '"':
			s, end, err := ScanQuoted(q, i)
			if err != nil {
				return nil, err
			}
			add(Str, s, i, end)
			i = end
		case c == '[':
			add(LBrack, "[", i, i+1)
			inList = true
			i++
		case inList && c == ']':
			add(RBrack, "]", i, i+1)
			inList = false
			i++
		case inList && c == ',':
			add(Comma, ",", i, i+1)
			i++
		case inList:
			j := i
			for j < len(q) && q[j] != ',' && q[j] != ']' {
				j++
			}
			add(Word, strings.TrimSpace(q[i:j]), i, j)
			i = j
		case (c == '$' || c == '@') && FieldEnd(q, i) > i+1 && !afterOp:
			j := FieldEnd(q, i)
			add(Field, q[i:j], i, j)
			i = j
		case !afterOp && OpAt(q, i) != "":
			op := OpAt(q, i)
			add(Op, op, i, i+len(op))
			i += len(op)
		default:
			j := i
			for !Boundary(q, j) {
				j++
			}
			add(Word, q[i:j], i, j)
			i = j
		}
	}
	if inList {
		return nil, &lang.Error{Pos: len(q), Msg: "unterminated IN list"}
	}
	return append(out, Token{Kind: EOF, Pos: len(q), End: len(q)}), nil
}
