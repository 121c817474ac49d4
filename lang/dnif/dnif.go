// Package dnif is the written form of DNIF's legacy query language
// (_fetch … from event where … >> _checkif …), the form of CAR's DNIF
// queries and of cartrans' DNIF backend: its lexer, keywords and
// operators, and the reading of its values and regex() arguments.
//
// Sources, as cited in docs/design/dnif.md §0: DNIF-Documentation/DNIF,
// "DQL Legacy" fetch ("D-fetch": where clause, IN operator, regex,
// labels) and checkif ("D-checkif"), "Schema on Read" ("D-SoR-legacy");
// CAR's DNIF queries ("CAR") where the documentation is silent.
package dnif

import (
	"strings"

	"github.com/cartrans/cartrans/lang"
)

// Pipe joins query functions: "_fetch … >>_checkif …" (D-fetch,
// D-checkif).
const Pipe = ">>"

// IsSpace reports the white space between words.
func IsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Boundary reports whether a word of q may end at j: at the end, a space
// or >>. A bare value runs to one: DNIF documents no other end
// (docs/design/dnif.md §3, "values in _fetch where": unquoted).
func Boundary(q string, j int) bool {
	return j >= len(q) || IsSpace(q[j]) || strings.HasPrefix(q[j:], Pipe)
}

// Connectives of a where clause: a chain of terms joined by AND and by
// NOT, a binary "and not" (D-fetch "Syntax": "[$Stream=value] [AND | NOT]
// field2=value"). There is no OR and no parentheses (§2).
const (
	And = "AND"
	Not = "NOT"
	// Or is not DNIF's; a reader names it to refuse it.
	Or = "OR"
	In = "IN"
)

// Clauses are the words of a _fetch after its condition: group, as
// #label, limit, first, last N (D-fetch; §6).
var Clauses = []string{"group", "as", "limit", "first", "last"}

// Reserved are the words of a _fetch that a bare value written after a
// space is taken not to be (§6: "_fetch clause words"), upper case.
var Reserved = []string{And, Not, Or, "GROUP", "AS", "LIMIT", "FIRST", "LAST"}

// IsReserved reports a reserved word, in any case.
func IsReserved(w string) bool {
	for _, r := range Reserved {
		if strings.EqualFold(w, r) {
			return true
		}
	}
	return false
}

// TimeFields bound the search's time range (D-fetch "Duration"): terms
// on them are not tests of the events.
var TimeFields = []string{"$Duration", "$StartTime", "$EndTime"}

// IsTimeField reports a time-range field, with its sigil.
func IsTimeField(f string) bool {
	for _, t := range TimeFields {
		if f == t {
			return true
		}
	}
	return false
}

// Ops are the comparison operators read in a term. Only = (and IN) are
// documented in _fetch (§2); the others are those of _checkif int_compare
// (D-checkif), read in case a query uses them; == is read as =.
var Ops = []string{"!=", "<=", ">=", "==", "=", "<", ">"}

// OpAt is the comparison operator at q[i:], or "".
func OpAt(q string, i int) string {
	for _, op := range Ops {
		if strings.HasPrefix(q[i:], op) {
			return op
		}
	}
	return ""
}

// FieldChar reports a character of a field name after its sigil: $Names
// are letters, digits and _ (D-fetch); @raw names may be dotted and
// indexed (@requestParameters.items[0].name, D-SoR-legacy).
func FieldChar(c byte, raw bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
		return true
	case raw && (c == '.' || c == '[' || c == ']' || c == '-'):
		return true
	}
	return false
}

// FieldEnd is where a field name starting at q[i] ($ or @) ends; i+1
// when no name follows the sigil.
func FieldEnd(q string, i int) int {
	j := i + 1
	for j < len(q) && FieldChar(q[j], q[i] == '@') {
		j++
	}
	return j
}

// ScanQuoted reads '…' or "…" at q[i] (the quoting of DNIF's other query
// functions, D-checkif str_compare, D-retrieve filter): no escape is
// documented (§3, "escaping a quote": undocumented), so the string ends
// at the next quote of its kind. It gives the value and where it ends.
func ScanQuoted(q string, i int) (string, int, error) {
	c := q[i]
	k := strings.IndexByte(q[i+1:], c)
	if k < 0 {
		return "", 0, &lang.Error{Pos: i, Msg: "unterminated string"}
	}
	return q[i+1 : i+1+k], i + k + 2, nil
}

// IsRegexAt reports "regex(" at q[i:], in any case.
func IsRegexAt(q string, i int) bool {
	return len(q)-i >= 6 && strings.EqualFold(q[i:i+6], "regex(")
}

// ScanRegex reads regex(RE) or regex(RE)i at q[i] (D-fetch "Regex"; the
// trailing i, which CAR writes on every regex(), ignores case: §2,
// inferred). The argument is unquoted: it runs to the parenthesis that
// balances the opening one, a backslash escaping the next character and a
// bracket expression's parentheses not counting. It gives the expression
// (UnescapeRegexArg of the argument), the flag, and where the term ends.
func ScanRegex(q string, i int) (re string, fold bool, end int, err error) {
	open := i
	j := i + len("regex(")
	argStart := j
	depth := 1
	for depth > 0 {
		if j >= len(q) {
			return "", false, 0, &lang.Error{Pos: open, Msg: "unterminated regex(: its parentheses do not balance"}
		}
		switch q[j] {
		case '\\':
			j++
		case '[':
			// A bracket expression: ] right after [ or [^ is itself.
			k := j + 1
			if k < len(q) && q[k] == '^' {
				k++
			}
			if k < len(q) && q[k] == ']' {
				k++
			}
			for k < len(q) && q[k] != ']' {
				if q[k] == '\\' {
					k++
				}
				k++
			}
			if k >= len(q) {
				return "", false, 0, &lang.Error{Pos: j, Msg: "unterminated [ in regex("}
			}
			j = k
		case '(':
			depth++
		case ')':
			depth--
		}
		j++
	}
	arg := q[argStart : j-1]
	if j < len(q) && q[j] == 'i' && Boundary(q, j+1) {
		fold = true
		j++
	}
	return UnescapeRegexArg(arg), fold, j, nil
}

// UnescapeRegexArg turns a regex() argument's \, into a comma, keeping
// every other escape, which is the regular expression's own: CAR-2013-07-001
// writes \{1\,3\} (§3), and cartrans' backend writes a comma so.
func UnescapeRegexArg(s string) string {
	if !strings.Contains(s, `\,`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			if s[i+1] != ',' {
				b.WriteByte('\\')
			}
			b.WriteByte(s[i+1])
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
