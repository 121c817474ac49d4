// Package splunk is the written form of Splunk's Search Processing
// Language: its lexer, keywords and operators, and the quoting of its
// string literals, for the search command (and tstats' where, which reads
// the same terms) and for eval expressions (where).
//
// Sources: the Splunk Search Reference, "search" [S-search], "Quotes and
// escaping characters"; the Search Manual, "Backslashes" [S-backslash];
// "Boolean expressions" and "where" [S-where]; as cited, quoted and
// reconciled in docs/design/splunk.md §1.3 and §3.
package splunk

import (
	"fmt"
	"strings"

	"github.com/cartrans/cartrans/lang"
)

// Rules are SPL's string rules. "The backslash character ( \ ) is used to
// escape quotes, pipes, and the backslash character itself. Backslash
// escape sequences are expanded inside quotation marks" and "Unrecognized
// backslash sequences are not altered" [S-search]: \\ is a backslash, \"
// a quote and \| a pipe, quoted or not; every other backslash is itself,
// the reading CAR's queries rely on (C:\\Windows\System32 is one path,
// docs/design/splunk.md §1.3). Only double quotes quote a value; in eval,
// single quotes name a field (FieldQuote).
var Rules = lang.TermRules{Escapes: `\"|`}

// Lex cuts an SPL query into tokens (lang.LexTerms under Rules).
func Lex(q string) ([]lang.Token, error) { return lang.LexTerms(q, Rules) }

// Boolean operators of the search command and of eval. "Boolean
// operators must be capitalized" in search [S-search]: a lower-case and
// is a search term; eval reads them in upper case too (as cartrans writes
// them). NOT binds tightest, then OR, then AND, which a space between
// terms also means [S-search] "Boolean expressions".
const (
	And = "AND"
	Or  = "OR"
	Not = "NOT"
	// In is "field IN (v, …)" of search and where [S-search].
	In = "IN"
)

// Keywords are the words search and eval read as operators, never as a
// field or a term: a field of that name cannot be written bare.
var Keywords = []string{And, Or, Not, In}

// IsKeyword reports a keyword, as written (SPL's are upper case).
func IsKeyword(w string) bool {
	for _, k := range Keywords {
		if w == k {
			return true
		}
	}
	return false
}

// Ops are the comparison operators of search and where; == is eval's
// spelling of = [S-where].
var Ops = []string{"=", "==", "!=", "<", "<=", ">", ">="}

// Wildcard is the search command's only wildcard, which has no escape
// ("The backslash symbol can't be used to escape the asterisk"
// [S-backslash]); "?" is itself.
const Wildcard = "*"

// Quote writes s as a double-quoted string literal of search and eval:
// \ is written \\ and " is written \" [S-search]; nothing else needs an
// escape inside quotes (docs/design/splunk.md §1.3, cartrans rule). No
// source says a literal may hold a control character raw (§1.3, "Newline
// / CR": "Never emit raw control characters"), so a value with one is an
// error: it is matched with a regular expression instead.
func Quote(s string) (string, error) {
	if i := lang.FirstControl(s); i >= 0 {
		return "", fmt.Errorf("a Splunk string literal cannot hold the control character %U", []rune(s[i:])[0])
	}
	return `"` + escaper.Replace(s) + `"`, nil
}

var escaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// Unquote reads a whole double-quoted literal to its value.
func Unquote(lit string) (string, error) { return lang.Unquote(lit, Rules) }

// FieldQuote is eval's quote of a field name: 'name' for a name eval would
// otherwise read as an expression (a dot is concatenation) [S-where].
const FieldQuote = "'"

// UnquoteField strips eval's single quotes from a field name.
func UnquoteField(name string) string {
	if len(name) >= 2 && strings.HasPrefix(name, FieldQuote) && strings.HasSuffix(name, FieldQuote) {
		return name[1 : len(name)-1]
	}
	return name
}
