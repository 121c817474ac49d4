// Package kql is the written form of the Kusto Query Language (Microsoft
// Sentinel, Defender XDR advanced hunting): its lexer, keywords and
// operators, and the quoting of its string literals and column names. The
// kql backend writes with it and the tests' interpreter
// (backends/kql/kqlread) reads with it, so that the two cannot disagree.
//
// Sources, as cited in docs/design/kql.md §0 (Microsoft Learn): "The
// string data type" (STR: literals, escapes, verbatim strings,
// https://learn.microsoft.com/azure/kusto/query/scalar-data-types/string),
// "Entity names" (NAMES: identifiers, ['name'] quoting,
// https://learn.microsoft.com/kusto/query/schema-entities/entity-names),
// "String operators" (STR-OPS,
// https://learn.microsoft.com/kusto/query/datatypes-string-operators).
package kql

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cartrans/cartrans/lang"
)

// Kind is a token's kind.
type Kind int

const (
	EOF    Kind = iota
	Name        // an identifier, a keyword, or a quoted ['name']
	String      // a string literal; Text is its value
	Number      // a number or timespan as written: 4, 1.5, 30s
	Punct       // an operator or punctuation mark
)

// Token is a lexeme.
type Token struct {
	Kind Kind
	// Text: a name (unquoted), a string's value, a number as written, an
	// operator as written.
	Text     string
	Pos, End int // byte offsets of the token in the query
	// Quoted: a name written ['name'] or ["name"], never a keyword.
	Quoted bool
}

// NameStart reports a character that starts an identifier (NAMES:
// letters, digits and _, not starting with a digit, which is a literal
// such as 1day).
func NameStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// NameChar reports a character of an identifier after its first (NAMES).
func NameChar(c byte) bool { return NameStart(c) || isDigit(c) }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Ops are the operators and punctuation marks the lexer reads, longest
// first: comparisons (STR-OPS: == != =~ !~; numerical < <= > >=), the
// arithmetic of "Numerical operators" (+ - * / %), = of extend and let,
// the pipe, parentheses, brackets (an index, as split(…)[0]), the comma
// and the dot.
var Ops = []string{"==", "!=", "=~", "!~", "<=", ">=", "<", ">", "+", "-", "*", "/", "%", "=", "|", "(", ")", "[", "]", ",", "."}

// Lex cuts a query into tokens, ending with one of kind EOF. Comments run
// from // to the end of the line ("Comments",
// https://learn.microsoft.com/kusto/query/comment) and are skipped. A
// name may end in ~ (in~, STR-OPS) or start with ! (!contains, !in~:
// STR-OPS' negated operators).
func Lex(q string) ([]Token, error) {
	var out []Token
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.HasPrefix(q[i:], "//"):
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'' || c == '@' && i+1 < len(q) && (q[i+1] == '"' || q[i+1] == '\''):
			tok, err := lexString(q, i)
			if err != nil {
				return nil, err
			}
			out = append(out, tok)
			i = tok.End
		case c == '[' && quotedName(q, i) && !indexes(out):
			// ['name'] or ["name"] (NAMES "Reference identifiers in
			// queries"): the literal, between brackets, is the name.
			// After an operand the bracket indexes it instead (d["k"]).
			j := i + 1
			for q[j] == ' ' {
				j++
			}
			s, err := lexString(q, j)
			if err != nil {
				return nil, err
			}
			j = s.End
			for j < len(q) && q[j] == ' ' {
				j++
			}
			if j >= len(q) || q[j] != ']' {
				return nil, &lang.Error{Pos: i, Msg: "a quoted name without its ]"}
			}
			out = append(out, Token{Kind: Name, Text: s.Text, Pos: i, End: j + 1, Quoted: true})
			i = j + 1
		case NameStart(c) || c == '!' && i+1 < len(q) && NameStart(q[i+1]):
			j := i + 1
			for j < len(q) && NameChar(q[j]) {
				j++
			}
			if j < len(q) && q[j] == '~' {
				j++
			}
			out = append(out, Token{Kind: Name, Text: q[i:j], Pos: i, End: j})
			i = j
		case isDigit(c):
			// A number, or a timespan with its unit (30s, 100ms: "The
			// timespan data type").
			j := i
			for j < len(q) && (isDigit(q[j]) || q[j] == '.' || q[j] >= 'a' && q[j] <= 'z') {
				j++
			}
			out = append(out, Token{Kind: Number, Text: q[i:j], Pos: i, End: j})
			i = j
		default:
			n := 0
			for _, op := range Ops {
				if strings.HasPrefix(q[i:], op) {
					n = len(op)
					break
				}
			}
			if n == 0 {
				return nil, &lang.Error{Pos: i, Msg: "unexpected character " + strconv.QuoteRune(runeAt(q, i))}
			}
			out = append(out, Token{Kind: Punct, Text: q[i : i+n], Pos: i, End: i + n})
			i += n
		}
	}
	return append(out, Token{Kind: EOF, Pos: len(q), End: len(q)}), nil
}

// quotedName reports whether the [ at q[i] opens a quoted name: a string
// literal follows it.
func quotedName(q string, i int) bool {
	j := i + 1
	for j < len(q) && q[j] == ' ' {
		j++
	}
	return j < len(q) && (q[j] == '\'' || q[j] == '"' || q[j] == '@' && j+1 < len(q) && (q[j+1] == '"' || q[j+1] == '\''))
}

// indexes reports whether a [ after the tokens read indexes an operand:
// it follows a name, a literal, ) or ].
func indexes(out []Token) bool {
	if len(out) == 0 {
		return false
	}
	t := out[len(out)-1]
	return t.Kind == Name && !isKeyword(t) || t.Kind == String || t.Kind == Number || t.Kind == Punct && (t.Text == ")" || t.Text == "]")
}

func runeAt(q string, i int) rune {
	r, _ := utf8.DecodeRuneInString(q[i:])
	return r
}

// lexString reads the string literal at q[i] (STR). In "…" and '…' a
// backslash escapes the enclosing quotes, \t, \n and itself; no other
// escape is documented, so any other is an error, as is a raw line break
// or other control character (the page: a line break must be escaped). In
// a verbatim @"…" or @'…' the backslash stands for itself and a doubled
// quote is a quote.
func lexString(q string, i int) (Token, error) {
	start := i
	verbatim := q[i] == '@'
	if verbatim {
		i++
	}
	quote := q[i]
	var b strings.Builder
	for j := i + 1; j < len(q); j++ {
		switch c := q[j]; {
		case c < 0x20 || c == 0x7f:
			return Token{}, &lang.Error{Pos: j, Msg: "a raw control character in a string literal"}
		case c == quote && verbatim && j+1 < len(q) && q[j+1] == quote:
			b.WriteByte(quote)
			j++
		case c == quote:
			return Token{Kind: String, Text: b.String(), Pos: start, End: j + 1}, nil
		case c == '\\' && !verbatim:
			if j+1 >= len(q) {
				return Token{}, &lang.Error{Pos: start, Msg: "unterminated string"}
			}
			j++
			e, ok := unescape[q[j]]
			if !ok {
				return Token{}, &lang.Error{Pos: j - 1, Msg: `unknown escape \` + string(runeAt(q, j)) + ` in a string literal`}
			}
			b.WriteByte(e)
		default:
			b.WriteByte(c)
		}
	}
	return Token{}, &lang.Error{Pos: start, Msg: "unterminated string"}
}

// unescape is what a backslash escapes in a regular literal (STR: "the
// enclosing quote characters, tab characters (\t), newline characters
// (\n), and the backslash itself (\\)").
var unescape = map[byte]byte{'"': '"', '\'': '\'', '\\': '\\', 't': '\t', 'n': '\n'}
