package eql

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/cartrans/cartrans/lang"
)

// Dialect is which engine's EQL a query is written for.
type Dialect int

const (
	// Endgame is endgameinc/eql, CAR's "EQL native".
	Endgame Dialect = iota
	// Elasticsearch is Elasticsearch's EQL.
	Elasticsearch
)

// EndgameKeywords are the words of eql.g's rules (its quoted terminals
// that are names): none can be a bare field name.
var EndgameKeywords = []string{
	"and", "by", "const", "false", "fork", "in", "join", "like", "macro", "maxspan", "not", "null",
	"of", "or", "regex", "sequence", "true", "until", "where", "with",
}

// ESKeywords are Elasticsearch's reserved words (EqlBase.g4: AND, ANY,
// BY, FALSE, IN, JOIN, LIKE, MAXSPAN, NOT, NULL, OF, OR, REGEX, SEQUENCE,
// TRUE, UNTIL, WHERE, WITH; "sample" since 8.x, ES-SYN "Samples").
var ESKeywords = []string{
	"and", "any", "by", "false", "in", "join", "like", "maxspan", "not", "null", "of", "or",
	"regex", "sample", "sequence", "true", "until", "where", "with",
}

// InsensitiveOps are the case-insensitive operators, names ending in ~
// (eql.g IN, STRING_PREDICATE; EqlBase.g4 IN_INSENSITIVE,
// LIKE_INSENSITIVE, REGEX_INSENSITIVE).
var InsensitiveOps = []string{"in~", "like~", "regex~"}

// Keywords are the words of one dialect.
func Keywords(d Dialect) []string {
	if d == Elasticsearch {
		return ESKeywords
	}
	return EndgameKeywords
}

var anyKeyword = func() map[string]bool {
	m := map[string]bool{}
	for _, ws := range [][]string{EndgameKeywords, ESKeywords, InsensitiveOps} {
		for _, w := range ws {
			m[w] = true
		}
	}
	return m
}()

// IsKeyword reports a keyword of either dialect, or an insensitive
// operator: a word that is not a field name where it stands bare. Keywords
// are lower case and compared as written.
func IsKeyword(w string) bool { return anyKeyword[w] }

// Ops are the comparison operators: = is Endgame's alias of == (eql.g
// EQUALS), ":" Elasticsearch's case-insensitive wildcard match (ES-SYN
// "Comparison operators").
var Ops = []string{"==", "=", "!=", "<", "<=", ">", ">=", ":"}

// Escapes are a dialect's string escapes after a backslash, as
// old/new pairs for a strings.Replacer: eql.g DQ_STRING and EqlBase.g4
// STRING_ESCAPE both read \b \t \n \f \r \" \' \\ (the lexer reads all of
// them, and Elasticsearch's \u{…}; any other escape is an error).
var Escapes = []string{`\`, `\\`, `"`, `\"`, "\b", `\b`, "\t", `\t`, "\n", `\n`, "\f", `\f`, "\r", `\r`}

var escaper = strings.NewReplacer(Escapes...)

// Quote writes s as a double-quoted string literal of a dialect. eql.g
// takes no raw line break in a string and no source says either engine
// reads another control character raw: Elasticsearch writes one as
// \u{XX} (ES-SYN "Strings": \u{XXXX}); Endgame has no escape for it, so
// a value holding one (ESC, DEL, U+2028) is an error there.
func Quote(s string, d Dialect) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("an EQL string literal is UTF-8 text")
	}
	s = escaper.Replace(s)
	if i := lang.FirstControl(s); i >= 0 {
		if d == Endgame {
			return "", fmt.Errorf("an Endgame EQL string literal cannot hold the control character %U", []rune(s[i:])[0])
		}
		var b strings.Builder
		for _, r := range s {
			if lang.FirstControl(string(r)) == 0 {
				fmt.Fprintf(&b, `\u{%02X}`, r)
				continue
			}
			b.WriteRune(r)
		}
		s = b.String()
	}
	return `"` + s + `"`, nil
}

// Unquote reads one whole string literal (any of the forms Lex reads) to
// its value.
func Unquote(lit string) (string, error) {
	toks, err := Lex(lit)
	if err != nil {
		return "", err
	}
	if len(toks) != 2 || toks[0].Kind != String || toks[0].Pos != 0 || toks[0].End != len(lit) {
		return "", &lang.Error{Pos: 0, Msg: "not one string literal"}
	}
	return toks[0].Text, nil
}

var plainName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// QuoteName writes one part of a field path: bare when it is a plain name
// and not a keyword of the dialect, else in backticks (eql.g
// ESCAPED_NAME, which cannot hold a backtick or a line break;
// Elasticsearch's escaped identifier doubles a backtick, ES-SYN "Escape a
// field name"). Elasticsearch names may start with @ (@timestamp).
func QuoteName(part string, d Dialect) (string, error) {
	bare := plainName.MatchString(part) || d == Elasticsearch && strings.HasPrefix(part, "@") && plainName.MatchString(part[1:])
	kw := false
	for _, k := range Keywords(d) {
		kw = kw || k == part
	}
	if bare && !kw {
		return part, nil
	}
	if part == "" || strings.ContainsAny(part, "\n\r") {
		return "", fmt.Errorf("an EQL field name cannot be empty or hold a line break")
	}
	if d == Elasticsearch {
		return "`" + strings.ReplaceAll(part, "`", "``") + "`", nil
	}
	if strings.Contains(part, "`") {
		return "", fmt.Errorf("an Endgame EQL field name cannot hold a backtick")
	}
	return "`" + part + "`", nil
}
