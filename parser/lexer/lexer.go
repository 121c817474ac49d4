// Package lexer splits CAR pseudocode into tokens. It is forgiving where the
// intent is certain (smart quotes, a closing quote missing at the end of a
// line, a stray doubled quote) and says so with a warning for each repair;
// it never stops at a bad byte. Statement boundaries are drawn by Split,
// which works on the token stream (see split.go).
package lexer

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/cartrans/cartrans/diag"
)

// Kind is a token kind.
type Kind uint8

const (
	EOF Kind = iota
	Newline
	Word   // names, keywords, numbers, durations, Object:action, bare values
	String // a quoted string; Value holds its content
	LParen
	RParen
	LBrack
	RBrack
	Comma
	Eq     // ==
	Assign // =
	Ne     // !=
	Lt
	Le
	Gt
	Ge
	Plus
	Minus
	Star   // a lone *: multiplication, or a wildcard value
	Bang   // !
	AndAnd // &&
	OrOr   // ||
	Illegal
)

var kindNames = [...]string{
	EOF: "end of program", Newline: "end of line", Word: "word", String: "string",
	LParen: "'('", RParen: "')'", LBrack: "'['", RBrack: "']'", Comma: "','",
	Eq: "'=='", Assign: "'='", Ne: "'!='", Lt: "'<'", Le: "'<='", Gt: "'>'", Ge: "'>='",
	Plus: "'+'", Minus: "'-'", Star: "'*'", Bang: "'!'", AndAnd: "'&&'", OrOr: "'||'",
	Illegal: "illegal character",
}

func (k Kind) String() string { return kindNames[k] }

// Quote is how a string token was delimited.
type Quote uint8

const (
	DoubleQuote Quote = iota
	SingleQuote
	SmartQuote
)

// Token is one token. It holds no pointers: its text is a range of the
// block and a string's value an index into Tokens.Values, so that the
// token slice of a large input is never scanned by the garbage collector.
type Token struct {
	Kind  Kind
	Quote Quote
	// Synthetic marks a token the splitter inserted as a repair.
	Synthetic bool
	// Glued is true when no space separates the token from the one before.
	Glued bool
	// Line and Col are the token's position in the analytic's file.
	Line, Col int32
	// Off and End delimit the token's text in the block.
	Off, End int32
	// Val indexes a string's value in Tokens.Values.
	Val int32
}

// Tokens is a lexed block.
type Tokens struct {
	File   string
	Src    string
	List   []Token
	Values []string
}

// Text returns a token's source text (for a string, with its quotes).
func (ts *Tokens) Text(t Token) string {
	if t.Synthetic {
		switch t.Kind {
		case RParen:
			return ")"
		case RBrack:
			return "]"
		}
		return ""
	}
	return ts.Src[t.Off:t.End]
}

// Value returns a string token's content, escapes resolved.
func (ts *Tokens) Value(t Token) string {
	if t.Kind != String {
		return ""
	}
	return ts.Values[t.Val]
}

// Pos returns a token's position in the analytic's file.
func (ts *Tokens) Pos(t Token) diag.Pos {
	return diag.Pos{File: ts.File, Line: int(t.Line), Col: int(t.Col)}
}

// Diagnostic codes of the lexer and splitter; docs/pseudocode.md explains
// each with an example.
const (
	CodeBadChar        = "E100" // a byte that cannot start a token
	CodeSmartQuote     = "W101" // “smart” quotes read as straight ones
	CodeClosingQuote   = "W102" // closing quote missing, added
	CodeOpeningQuote   = "W103" // opening quote missing, added
	CodeStrayQuote     = "W104" // a doubled closing quote, dropped
	CodeMissingParen   = "W105" // ')' missing at the end of a statement, added
	CodeExtraParen     = "W106" // ')' too many at the end of a statement, dropped
	CodeUnmatchedParen = "E107" // ')' too many inside a statement
)

// Base places a block in its file: its first line is file line Line, and
// each of its lines is indented by Indent columns there.
type Base struct {
	File   string
	Line   int
	Indent int
}

type lexer struct {
	src    string
	base   Base
	toks   []Token
	values []string
	diags  *diag.List
	lines  []int   // offset of each line start
	quotes [][]int // per line, offsets of straight double quotes, lazily
	depth  int     // open parentheses so far (never below 0)
}

// Lex returns the tokens of src, ending with EOF. Newlines are kept; Split
// decides which of them end statements.
func Lex(src string, base Base, diags *diag.List) *Tokens {
	l := &lexer{src: src, base: base, diags: diags, lines: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			l.lines = append(l.lines, i+1)
		}
	}
	l.quotes = make([][]int, len(l.lines))
	// Most tokens are a few bytes long; sizing the slice up front keeps a
	// huge input from being copied over and over as it grows.
	l.toks = make([]Token, 0, len(src)/4+8)
	l.run()
	return &Tokens{File: base.File, Src: src, List: l.toks, Values: l.values}
}

// pos converts a block offset to a file position.
func (l *lexer) pos(off int) diag.Pos {
	line := l.lineOf(off)
	return diag.Pos{File: l.base.File, Line: l.base.Line + line, Col: l.base.Indent + off - l.lines[line] + 1}
}

// lineOf returns the index of the block line holding off.
func (l *lexer) lineOf(off int) int {
	return sort.Search(len(l.lines), func(i int) bool { return l.lines[i] > off }) - 1
}

func (l *lexer) report(off int, sev diag.Severity, code, suggestion, format string, args ...any) {
	*l.diags = append(*l.diags, diag.Diagnostic{
		Pos: l.pos(off), Severity: sev, Code: code,
		Message: fmt.Sprintf(format, args...), Suggestion: suggestion,
	})
}

// emit appends a token of src[start:end]; value is a string's content.
func (l *lexer) emit(kind Kind, start, end int, value string, q Quote) {
	p := l.pos(start)
	t := Token{Kind: kind, Quote: q, Line: int32(p.Line), Col: int32(p.Col), Off: int32(start), End: int32(end),
		Glued: start > 0 && !isSpace(l.src[start-1])}
	switch kind {
	case String:
		t.Val = int32(len(l.values))
		l.values = append(l.values, value)
	case LParen, LBrack:
		l.depth++
	case RParen, RBrack:
		l.depth = max(l.depth-1, 0)
	}
	l.toks = append(l.toks, t)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// isWordByte reports whether c continues a word. Words are deliberately
// wide: CAR writes Process:Create, a.b.c, C:\Windows\*, *transfer*,
// 10.0.0.0/8, CAR-2013-05-003 and even regular expressions (\d{1,3})
// without quotes, and each is one word.
func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == ':' || c == '\\' || c == '*' || c == '%' ||
		c == '/' || c == '-' || c == '$' || c == '@' || c == '?' || c == '~' || c == '{' || c == '}' ||
		c == '^' || c >= utf8.RuneSelf
}

// isWordStart reports whether c can begin a word; '-' cannot (it is minus).
func isWordStart(c byte) bool { return c != '-' && isWordByte(c) }

// Smart quotes, which CAR's pages carry from word processors: the double
// ones stand for ", the single ones for '.
var (
	smartQuotes  = []string{"“", "”", "„", "‟", "″"}
	smartSingles = []string{"‘", "’"}
)

// quoteAt returns the length of the quote of list at s[i], or 0.
func quoteAt(s string, i int, list []string) int {
	if s[i] < utf8.RuneSelf {
		return 0
	}
	for _, q := range list {
		if strings.HasPrefix(s[i:], q) {
			return len(q)
		}
	}
	return 0
}

// HasSmartQuote reports whether s holds a smart quote that ends a string
// opened with quote (" or '): such a value cannot be written between
// those quotes.
func HasSmartQuote(s string, quote byte) bool {
	list := smartQuotes
	if quote == '\'' {
		list = smartSingles
	}
	for _, q := range list {
		if strings.Contains(s, q) {
			return true
		}
	}
	return false
}

func smartQuoteAt(s string, i int) int  { return quoteAt(s, i, smartQuotes) }
func smartSingleAt(s string, i int) int { return quoteAt(s, i, smartSingles) }

func (l *lexer) run() {
	s := l.src
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == '\n':
			l.emit(Newline, i, i+1, "", 0)
			i++
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '"':
			i = l.string(i, i+1, c, DoubleQuote)
		case c == '\'':
			i = l.string(i, i+1, c, SingleQuote)
		case smartQuoteAt(s, i) > 0:
			n := smartQuoteAt(s, i)
			l.report(i, diag.Warning, CodeSmartQuote, `use straight quotes "…"`, "smart quote %s read as a straight quote", s[i:i+n])
			i = l.string(i, i+n, '"', SmartQuote)
		case smartSingleAt(s, i) > 0:
			n := smartSingleAt(s, i)
			l.report(i, diag.Warning, CodeSmartQuote, `use straight quotes '…'`, "smart quote %s read as a straight quote", s[i:i+n])
			i = l.string(i, i+n, '\'', SmartQuote)
		case c == 0:
			l.report(i, diag.Error, CodeBadChar, "", "NUL byte in pseudocode")
			l.emit(Illegal, i, i+1, "", 0)
			i++
		case badRune(s, i):
			l.report(i, diag.Error, CodeBadChar, "", "invalid UTF-8 byte 0x%02x", c)
			l.emit(Illegal, i, i+1, "", 0)
			i++
		case isWordStart(c):
			j := i + 1
			if c >= utf8.RuneSelf {
				_, n := utf8.DecodeRuneInString(s[i:])
				j = i + n
			}
			for j < len(s) && isWordByte(s[j]) && smartQuoteAt(s, j) == 0 && !badRune(s, j) && smartSingleAt(s, j) == 0 {
				if s[j] >= utf8.RuneSelf {
					_, n := utf8.DecodeRuneInString(s[j:])
					j += n
					continue
				}
				j++
			}
			// A word glued to a quote that has no partner on its line
			// lost its opening quote: C:\Windows\services.exe" AND …
			if j < len(s) && s[j] == '"' && l.quotesAfter(j)%2 == 0 {
				l.report(i, diag.Warning, CodeOpeningQuote, `write "`+s[i:j]+`"`, "opening quote missing before %s, added", s[i:j])
				l.emit(String, i, j+1, resolveEscapes(s[i:j], '"'), DoubleQuote)
				i = j + 1
				continue
			}
			if j == i+1 && c == '*' {
				l.emit(Star, i, j, "", 0)
			} else {
				l.emit(Word, i, j, "", 0)
			}
			i = j
		default:
			i = l.punct(i)
		}
	}
	l.emit(EOF, len(s), len(s), "", 0)
}

// badRune reports an invalid UTF-8 sequence at s[i].
func badRune(s string, i int) bool {
	if s[i] < utf8.RuneSelf {
		return false
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	return r == utf8.RuneError && n <= 1
}

// quotesAfter counts the straight double quotes on the line of off that
// come after it.
func (l *lexer) quotesAfter(off int) int {
	line := l.lineOf(off)
	if l.quotes[line] == nil {
		end := len(l.src)
		if line+1 < len(l.lines) {
			end = l.lines[line+1]
		}
		qs := []int{}
		for k := l.lines[line]; k < end; k++ {
			if l.src[k] == '"' {
				qs = append(qs, k)
			}
		}
		l.quotes[line] = qs
	}
	qs := l.quotes[line]
	return len(qs) - sort.SearchInts(qs, off+1)
}

var puncts = []struct {
	text string
	kind Kind
}{
	{"==", Eq}, {"!=", Ne}, {"<=", Le}, {">=", Ge}, {"&&", AndAnd}, {"||", OrOr},
	{"<>", Ne}, {"=", Assign}, {"<", Lt}, {">", Gt}, {"+", Plus}, {"-", Minus},
	{"!", Bang}, {"(", LParen}, {")", RParen}, {"[", LBrack}, {"]", RBrack}, {",", Comma},
}

func (l *lexer) punct(i int) int {
	for _, p := range puncts {
		if strings.HasPrefix(l.src[i:], p.text) {
			l.emit(p.kind, i, i+len(p.text), "", 0)
			return i + len(p.text)
		}
	}
	r, n := utf8.DecodeRuneInString(l.src[i:])
	l.report(i, diag.Error, CodeBadChar, "", "unexpected character %q", r)
	l.emit(Illegal, i, i+n, "", 0)
	return i + n
}

// string scans a string whose opening quote spans [start, body). close is
// the quote byte that ends it; a smart quote ends a string too.
func (l *lexer) string(start, body int, close byte, q Quote) int {
	s := l.src
	for j := body; j < len(s); j++ {
		c := s[j]
		if c == '\\' && j+1 < len(s) && (s[j+1] == close || s[j+1] == '\\') {
			j++
			continue
		}
		if c == '\n' {
			return l.unterminated(start, body, j, close, q)
		}
		n := 0
		if c == close {
			n = 1
		} else if c >= utf8.RuneSelf && close == '"' {
			n = smartQuoteAt(s, j)
		} else if c >= utf8.RuneSelf && close == '\'' {
			n = smartSingleAt(s, j)
		}
		if n > 1 {
			if q != SmartQuote {
				l.report(j, diag.Warning, CodeSmartQuote, `use straight quotes "…"`, "smart quote %s read as a straight quote", s[j:j+n])
			}
			// A string opened with a straight single quote stays one.
			if q == DoubleQuote {
				q = SmartQuote
			}
		}
		if n > 0 {
			end := j + n
			l.emit(String, start, end, resolveEscapes(s[body:j], close), q)
			// "explorer.exe"") : a doubled closing quote with no partner
			// on its line is a typo.
			if end < len(s) && s[end] == '"' && close == '"' && l.quotesAfter(end)%2 == 0 {
				l.report(end, diag.Warning, CodeStrayQuote, "delete it", "stray quote after a string, dropped")
				end++
			}
			return end
		}
	}
	return l.unterminated(start, body, len(s), close, q)
}

// unterminated ends a string that reaches the end of its line. The quote is
// added at the end of the line, or before the closing parentheses that end
// the line when they close parentheses still open ("ipconfig.exe) )").
func (l *lexer) unterminated(start, body, eol int, close byte, q Quote) int {
	s := l.src
	content := strings.TrimRight(s[body:eol], " \t\r")
	end := body + len(content)
	// "C:\Windows\" at the end of a line: the backslash that escaped the
	// closing quote ends a path; nothing else can have been meant.
	if strings.HasSuffix(content, `\`+string(close)) && !strings.HasSuffix(content, `\\`+string(close)) {
		l.report(end-1, diag.Warning, CodeClosingQuote, `write \\ before the quote to end a string with a backslash`,
			"the backslash before the closing quote escaped it: read as a string ending in a backslash")
		l.emit(String, start, end, resolveEscapes(s[body:end-1], close), q)
		return end
	}
	k := end
	parens := 0
	for k > body && (s[k-1] == ')' || s[k-1] == ' ' || s[k-1] == '\t') {
		if s[k-1] == ')' {
			parens++
		}
		k--
	}
	if parens > 0 && parens <= l.depth {
		end = k
		for end > body && (s[end-1] == ' ' || s[end-1] == '\t') {
			end--
		}
		l.report(end, diag.Warning, CodeClosingQuote, "write "+string(close)+s[body:end]+string(close), "closing quote missing, added before the closing parenthesis")
	} else {
		l.report(end, diag.Warning, CodeClosingQuote, "write "+string(close)+s[body:end]+string(close), "closing quote missing, added at the end of the line")
	}
	l.emit(String, start, end, resolveEscapes(s[body:end], close), q)
	return end
}

// Unpipe replaces "{{pipe}}", an artefact of the CAR site's templating
// that stands for "|", in a string or a word.
func Unpipe(s string) string { return strings.ReplaceAll(s, "{{pipe}}", "|") }

// resolveEscapes applies the language's only escapes: \" (or \' in a
// single-quoted string) is the quote, \\ one backslash; any other
// backslash is itself, so Windows paths need no doubling.
func resolveEscapes(s string, quote byte) string {
	s = Unpipe(s)
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && (s[i+1] == quote || s[i+1] == '\\') {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
