// Package logpoint is the written form of LogPoint's search query
// language: its lexer, keywords and operators, and the quoting of its
// string literals.
//
// Sources, as cited and reconciled in docs/design/logpoint.md (§1, §2):
// LogPoint's own pySigma backend (logpoint/pySigma-backend-logpoint,
// "PSL-be"), its pull request 15 on quotes ("PSL#15"), Sigma issue 3200
// on backslashes, and LogPoint's search documentation ("LP-doc").
package logpoint

import (
	"fmt"
	"strings"

	"github.com/cartrans/cartrans/lang"
)

// Rules are LogPoint's string rules: "…" and '…' both quote a value
// (PSL#15: a value holding a double quote is put in single quotes), and a
// backslash is always itself: "LogPoint does not interpret those as
// escaped characters, but literal characters" (Sigma#3200; PSL-be writes
// single backslashes), so neither quote can be escaped.
var Rules = lang.TermRules{Single: true}

// Lex cuts a LogPoint query into tokens (lang.LexTerms under Rules). A
// term's "-" negation stays on its word ("-image"), or is a word of its
// own before a parenthesis ("-" "("): see Negated.
func Lex(q string) ([]lang.Token, error) { return lang.LexTerms(q, Rules) }

// Boolean operators. Terms side by side are ANDed; OR binds tighter than
// that AND and NOT tightest (PSL-be: precedence NOT, OR, AND). "The
// search keywords are not case-sensitive" (LP-doc); CAR's pages write
// them in either case.
const (
	And = "and"
	Or  = "or"
	Not = "not"
	// In is "field IN [v, …]" (PSL-be list expression).
	In = "in"
	// Negation is the prefix that negates a term or a group, with no
	// space: -field="v", -(…) (PSL-be not_token).
	Negation = "-"
)

// Commands are the words that start a command after a pipe and that a
// field of the same name would be read as (PSL-be logpoint_keywords:
// process, filter, search, chart).
var Commands = []string{"process", "filter", "search", "chart"}

// Keywords are the words a field of that name cannot be written bare as:
// the boolean operators and the commands, compared without case.
var Keywords = append([]string{And, Or, Not, In}, Commands...)

// IsKeyword reports a keyword, in any case.
func IsKeyword(w string) bool {
	for _, k := range Keywords {
		if strings.EqualFold(w, k) {
			return true
		}
	}
	return false
}

// IsWord reports whether a word is one of ws, in any case.
func IsWord(w string, ws ...string) bool {
	for _, k := range ws {
		if strings.EqualFold(w, k) {
			return true
		}
	}
	return false
}

// Ops are the comparison operators of a search term (PSL-be: = and !=;
// the ordering ones in CAR's pages and PSL-be's compare expressions).
var Ops = []string{"=", "!=", "<", "<=", ">", ">="}

// Wildcards: * any run of characters, ? one character (PSL-be
// wildcard_multi, wildcard_single); neither has an escape
// (docs/design/logpoint.md §2, "literal * / ?").
const Wildcards = "*?"

// Negated splits a word's "-" negation off: "-image" is image, negated.
// A lone "-" is the negation of what follows it (a group).
func Negated(word string) (rest string, neg bool) {
	if strings.HasPrefix(word, Negation) {
		return word[len(Negation):], true
	}
	return word, false
}

// Quote writes s as a literal: "s", or 's' when s holds a double quote
// (PSL#15); a value holding both kinds cannot be written, since neither
// can be escaped. With no escapes a control character cannot be written
// either: no source says LogPoint reads one raw inside quotes.
func Quote(s string) (string, error) {
	if i := lang.FirstControl(s); i >= 0 {
		return "", fmt.Errorf("a LogPoint value has no escapes, and cannot hold the control character %U", []rune(s[i:])[0])
	}
	switch {
	case !strings.Contains(s, `"`):
		return `"` + s + `"`, nil
	case !strings.Contains(s, `'`):
		return `'` + s + `'`, nil
	}
	return "", fmt.Errorf("a LogPoint value cannot hold both kinds of quote")
}

// Unquote reads a whole literal to its value.
func Unquote(lit string) (string, error) { return lang.Unquote(lit, Rules) }
