// Package eql is the written form of the Event Query Language, as the
// Endgame EQL engine runs it (endgameinc/eql, CAR's "EQL native") and as
// Elasticsearch runs it: its lexer, keywords and operators, and the
// quoting of its string literals and field names.
//
// Sources, as cited in docs/design/eql.md: Endgame's grammar
// eql/etc/eql.g ("eql.g": DQ_STRING, SQ_STRING, RAW_DQ_STRING,
// RAW_TQ_STRING, ESCAPED_NAME, FIELD, the quoted keywords) and
// Elasticsearch's EqlBase.g4 and "EQL syntax reference" ("ES-SYN":
// strings, escaped field names, keywords).
package eql

import (
	"strconv"
	"strings"

	"github.com/cartrans/cartrans/lang"
)

// Kind is a token's kind.
type Kind int

const (
	EOF Kind = iota
	Name
	String
	Number
	Punct
	Method // ":name(" — method syntax
)

// Token is a lexeme.
type Token struct {
	Kind Kind
	// Text: a name's dotted path (unescaped), a string's value, a
	// number as written, a punctuation mark, a method's name.
	Text     string
	Pos, End int
	// Plain: a name written as one bare identifier, so a keyword when it
	// is one.
	Plain bool
}

// NameStart reports a character that starts a name (eql.g NAME: a letter
// or _; Elasticsearch also @, as in @timestamp).
func NameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '@'
}

// NameChar reports a character of a name after its first (eql.g NAME).
func NameChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= '0' && c <= '9'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// IsSpace reports white space (eql.g WHITESPACE).
func IsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Lex cuts a query into tokens, ending with one of kind EOF; comments
// (// and /* */, eql.g COMMENT and ML_COMMENT) are skipped. Strings are
// read with the escapes of both dialects (Escapes): the lexer cannot tell
// them apart, and what one dialect rejects the other may read.
func Lex(q string) ([]Token, error) {
	var out []Token
	i := 0
	for i < len(q) {
		c := q[i]
		switch {
		case IsSpace(c):
			i++
		case strings.HasPrefix(q[i:], "//"):
			for i < len(q) && q[i] != '\n' {
				i++
			}
		case strings.HasPrefix(q[i:], "/*"):
			k := strings.Index(q[i+2:], "*/")
			if k < 0 {
				return nil, &lang.Error{Pos: i, Msg: "unterminated /* comment"}
			}
			i += k + 4
		case c == '"' || c == '\'':
			tok, err := lexString(q, i)
			if err != nil {
				return nil, err
			}
			out = append(out, tok)
			i = tok.End
		case c == '?' && i+1 < len(q) && (q[i+1] == '"' || q[i+1] == '\''):
			tok, err := lexRaw(q, i)
			if err != nil {
				return nil, err
			}
			out = append(out, tok)
			i = tok.End
		case c == '?' && i+1 < len(q) && (NameStart(q[i+1]) || q[i+1] == '`'):
			// Elasticsearch's optional field: read as the field.
			tok, err := lexName(q, i+1)
			if err != nil {
				return nil, err
			}
			tok.Pos = i
			tok.Plain = false
			out = append(out, tok)
			i = tok.End
		case NameStart(c) || c == '`':
			tok, err := lexName(q, i)
			if err != nil {
				return nil, err
			}
			out = append(out, tok)
			i = tok.End
		case isDigit(c):
			j := i
			for j < len(q) && isDigit(q[j]) {
				j++
			}
			if j+1 < len(q) && q[j] == '.' && isDigit(q[j+1]) {
				j++
				for j < len(q) && isDigit(q[j]) {
					j++
				}
			}
			if j < len(q) && (q[j] == 'e' || q[j] == 'E') {
				k := j + 1
				if k < len(q) && (q[k] == '+' || q[k] == '-') {
					k++
				}
				if k < len(q) && isDigit(q[k]) {
					for k < len(q) && isDigit(q[k]) {
						k++
					}
					j = k
				}
			}
			out = append(out, Token{Kind: Number, Text: q[i:j], Pos: i, End: j})
			i = j
		case c == ':' && i+1 < len(q) && NameStart(q[i+1]):
			j := i + 2
			for j < len(q) && NameChar(q[j]) {
				j++
			}
			if j < len(q) && q[j] == '(' {
				out = append(out, Token{Kind: Method, Text: q[i+1 : j], Pos: i, End: j + 1})
				i = j + 1
				continue
			}
			out = append(out, Token{Kind: Punct, Text: ":", Pos: i, End: i + 1})
			i++
		default:
			n := 1
			for _, two := range []string{"==", "!=", "<=", ">=", "!["} {
				if strings.HasPrefix(q[i:], two) {
					n = 2
				}
			}
			if n == 1 && !strings.ContainsRune("()[],|.:=<>+-*/%", rune(c)) {
				return nil, &lang.Error{Pos: i, Msg: "unexpected character " + strconv.QuoteRune(runeAt(q, i))}
			}
			out = append(out, Token{Kind: Punct, Text: q[i : i+n], Pos: i, End: i + n})
			i += n
		}
	}
	return append(out, Token{Kind: EOF, Pos: len(q), End: len(q)}), nil
}

func runeAt(q string, i int) rune {
	for _, r := range q[i:] {
		return r
	}
	return 0
}

// lexName reads a name: an identifier or a `escaped` one, then the
// .attribute and [index] parts of a field path (eql.g FIELD: no space
// before the . or the [).
func lexName(q string, i int) (Token, error) {
	start := i
	var parts []string
	plain := true
	part := func() error {
		if i < len(q) && q[i] == '`' {
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(q) || q[j] == '\n' || q[j] == '\r' {
					return &lang.Error{Pos: i, Msg: "unterminated ` name"}
				}
				if q[j] == '`' {
					if j+1 < len(q) && q[j+1] == '`' { // Elasticsearch: `` is a backtick
						b.WriteByte('`')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(q[j])
				j++
			}
			if b.Len() == 0 {
				return &lang.Error{Pos: i, Msg: "an empty ` name"}
			}
			parts = append(parts, b.String())
			plain = false
			i = j + 1
			return nil
		}
		if i >= len(q) || !NameStart(q[i]) {
			return &lang.Error{Pos: i, Msg: "a name expected"}
		}
		j := i + 1
		for j < len(q) && NameChar(q[j]) {
			j++
		}
		parts = append(parts, q[i:j])
		i = j
		return nil
	}
	if err := part(); err != nil {
		return Token{}, err
	}
	// A ~ ends a case-insensitive name: in~, like~, startsWith~(…).
	if plain && i < len(q) && q[i] == '~' {
		i++
		return Token{Kind: Name, Text: q[start:i], Pos: start, End: i, Plain: true}, nil
	}
	for i < len(q) {
		if q[i] == '.' {
			j := i + 1
			for j < len(q) && IsSpace(q[j]) {
				j++
			}
			if j >= len(q) || !(NameStart(q[j]) || q[j] == '`') {
				break
			}
			i = j
			if err := part(); err != nil {
				return Token{}, err
			}
			parts[len(parts)-2] += "." + parts[len(parts)-1]
			parts = parts[:len(parts)-1]
			plain = false
			continue
		}
		if q[i] == '[' {
			j := i + 1
			for j < len(q) && IsSpace(q[j]) {
				j++
			}
			d := j
			for j < len(q) && isDigit(q[j]) {
				j++
			}
			if j == d {
				break
			}
			n := q[d:j]
			for j < len(q) && IsSpace(q[j]) {
				j++
			}
			if j >= len(q) || q[j] != ']' {
				break
			}
			parts[len(parts)-1] += "[" + n + "]"
			plain = false
			i = j + 1
			continue
		}
		break
	}
	return Token{Kind: Name, Text: parts[0], Pos: start, End: i, Plain: plain}, nil
}

// lexString reads "…", '…' or """…""".
func lexString(q string, i int) (Token, error) {
	if strings.HasPrefix(q[i:], `"""`) {
		k := strings.Index(q[i+3:], `"""`)
		if k < 0 {
			return Token{}, &lang.Error{Pos: i, Msg: "unterminated string"}
		}
		end := i + 3 + k + 3
		text := q[i+3 : i+3+k]
		// eql.g RAW_TQ_STRING: up to two more quotes belong to the text.
		for n := 0; n < 2 && end < len(q) && q[end] == '"'; n++ {
			text += `"`
			end++
		}
		return Token{Kind: String, Text: text, Pos: i, End: end}, nil
	}
	quote := q[i]
	var b strings.Builder
	j := i + 1
	for {
		if j >= len(q) || q[j] == '\n' || q[j] == '\r' {
			return Token{}, &lang.Error{Pos: i, Msg: "unterminated string"}
		}
		c := q[j]
		if c == quote {
			break
		}
		if c != '\\' {
			b.WriteByte(c)
			j++
			continue
		}
		if j+1 >= len(q) {
			return Token{}, &lang.Error{Pos: i, Msg: "unterminated string"}
		}
		switch e := q[j+1]; e {
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case '"', '\'', '\\':
			b.WriteByte(e)
		case 'u':
			// Elasticsearch: \u{XX} to \u{XXXXXXXX}.
			k := strings.IndexByte(q[j:], '}')
			if j+2 >= len(q) || q[j+2] != '{' || k < 0 {
				return Token{}, &lang.Error{Pos: j, Msg: `\u takes {hex digits}`}
			}
			hex := q[j+3 : j+k]
			n, err := strconv.ParseUint(hex, 16, 32)
			if err != nil || len(hex) < 2 || len(hex) > 8 || n > 0x10FFFF {
				return Token{}, &lang.Error{Pos: j, Msg: `\u{…} takes 2 to 8 hex digits of a code point`}
			}
			b.WriteRune(rune(n))
			j += k + 1
			continue
		default:
			return Token{}, &lang.Error{Pos: j, Msg: `unknown escape \` + string(runeAt(q, j+1)) + ` in a string (a backslash is \\)`}
		}
		j += 2
	}
	return Token{Kind: String, Text: b.String(), Pos: i, End: j + 1}, nil
}

// lexRaw reads ?"…" or ?'…': nothing is escaped but the quote. As
// eql.g's RAW_DQ_STRING /\?"(\\\"|[^"\r\n])*"/ matches, the string ends at
// the first quote not after a backslash, or, when there is none on the
// line, at the last quote after one.
func lexRaw(q string, i int) (Token, error) {
	quote := q[i+1]
	closeAt := -1
	for j := i + 2; j < len(q) && q[j] != '\n' && q[j] != '\r'; j++ {
		if q[j] != quote {
			continue
		}
		if q[j-1] == '\\' && j-1 >= i+2 {
			closeAt = j // a candidate, if no bare quote follows
			continue
		}
		closeAt = j
		break
	}
	if closeAt < 0 {
		return Token{}, &lang.Error{Pos: i, Msg: "unterminated string"}
	}
	text := strings.ReplaceAll(q[i+2:closeAt], `\`+string(quote), string(quote))
	return Token{Kind: String, Text: text, Pos: i, End: closeAt + 1}, nil
}
