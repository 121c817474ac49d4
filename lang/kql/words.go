package kql

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/cartrans/cartrans/lang"
)

// Keywords are words a column name must not be left bare as (NAMES:
// "identifier names that are language keywords must be enclosed in [' and
// '] or [" and "]"): the words of the where expression the kql backend
// writes and reads (and, or, not, in, has, contains, matches regex,
// between: STR-OPS), the literals true, false and null, and the words of
// the forms around it (let, where, by, on). The pages give no complete
// list; these are the words that can stand where the writer puts a
// column.
var Keywords = []string{"and", "or", "not", "in", "has", "contains", "by", "on", "true", "false", "null",
	"let", "where", "matches", "regex", "between"}

var keyword = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range Keywords {
		m[w] = true
	}
	return m
}()

// IsKeyword reports a keyword in any case. KQL's identifiers and keywords
// are case-sensitive (NAMES: "Identifiers are case-sensitive"), so a
// keyword in another case could stand bare; quoting it too costs nothing
// and needs no list of which forms the parser accepts.
func IsKeyword(w string) bool { return keyword[strings.ToLower(w)] }

func isKeyword(t Token) bool { return t.Kind == Name && !t.Quoted && IsKeyword(t.Text) }

// StringOps are the string operators the writer uses (STR-OPS): =~ and
// in~ without case, == and in with it, contains, startswith and endswith
// without case, and matches regex (RE2, "matches regex operator").
var StringOps = []string{"=~", "==", "in~", "in", "contains", "startswith", "endswith", "matches regex"}

var plainName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// IsName reports a name that may stand bare: letters, digits and _, not
// starting with a digit (NAMES), and no keyword.
func IsName(s string) bool { return plainName.MatchString(s) && !IsKeyword(s) }

// Quote writes a string literal (STR): verbatim, @"…", where the value
// holds a backslash, which then stands for itself and a quote is doubled
// (the paths and regular expressions read as they are written);
// otherwise "…" with \" for a quote. No literal written here escapes a
// control character: the caller refuses them (lang.FirstControl), as only tab
// and newline have escapes.
func Quote(s string) string {
	if strings.Contains(s, `\`) {
		return `@"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// QuoteName writes a column or table name bare, or quoted as ['name']
// (NAMES "Reference identifiers in queries"), the quote a string literal
// (Quote's). An empty name, or one with a control character, cannot be
// written.
func QuoteName(name string) (string, error) {
	if IsName(name) {
		return name, nil
	}
	if name == "" || lang.FirstControl(name) >= 0 {
		return "", fmt.Errorf("a KQL column name cannot be empty or hold a control character")
	}
	return "[" + Quote(name) + "]", nil
}

// Unquote reads one whole string literal (any form Lex reads: "…", '…',
// @"…", @'…') to its value.
func Unquote(lit string) (string, error) {
	body := strings.TrimPrefix(lit, "@")
	if body == "" || body[0] != '"' && body[0] != '\'' {
		return "", &lang.Error{Pos: 0, Msg: "not a string literal"}
	}
	tok, err := lexString(lit, 0)
	if err != nil {
		return "", err
	}
	if tok.End != len(lit) {
		return "", &lang.Error{Pos: tok.End, Msg: "text after the string literal"}
	}
	return tok.Text, nil
}
