package sigmair

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cartrans/cartrans/ir"
)

// queryString prints a lowered query for the tables: its sources (or
// "log" for a bare condition over a log's events), then its condition.
func queryString(q ir.Query) string {
	var srcs []string
	for _, s := range q.Sources {
		srcs = append(srcs, s.String())
	}
	if len(srcs) == 0 {
		srcs = []string{"log"}
	}
	return strings.Join(srcs, ",") + ": " + condString(q.Cond)
}

// condString prints a condition: and, or and not as words with their
// terms in parentheses, each leaf with its field and value (see
// valueString).
func condString(c ir.Cond) string {
	switch c := c.(type) {
	case nil:
		return "true"
	case ir.And:
		return "and(" + termsString(c.Terms) + ")"
	case ir.Or:
		return "or(" + termsString(c.Terms) + ")"
	case ir.Not:
		return "not(" + condString(c.X) + ")"
	case ir.Match:
		return c.Field.Name + "=" + valueString(c.Value)
	case ir.Compare:
		return c.Field.Name + c.Op + valueString(c.Value)
	case ir.Regexp:
		return c.Field.Name + "=~/" + c.Pattern + "/"
	case ir.Exists:
		return "exists(" + c.Field.Name + ")"
	case ir.CIDR:
		return "cidr(" + c.Field.Name + "," + c.Block + ")"
	case ir.Keyword:
		return "keyword(" + valueString(c.Value) + ")"
	}
	return fmt.Sprintf("?%T", c)
}

func termsString(cs []ir.Cond) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = condString(c)
	}
	return strings.Join(parts, " ")
}

// valueString prints a value as the IR holds it: a number as #n; a
// string as its Str between single quotes, after E when Str is in the
// escaped notation and C when the match is case-sensitive. Printable
// characters are themselves, others \xNN by byte (UTF-16's NULs).
func valueString(v ir.Value) string {
	if v.IsNum {
		return "#" + v.NumText()
	}
	var b strings.Builder
	if v.Escaped {
		b.WriteByte('E')
	}
	if v.Cased {
		b.WriteByte('C')
	}
	b.WriteByte('\'')
	s := v.Str
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			for i := range n {
				fmt.Fprintf(&b, `\x%02x`, s[i])
			}
		} else {
			b.WriteString(s[:n])
		}
		s = s[n:]
	}
	b.WriteByte('\'')
	return b.String()
}
