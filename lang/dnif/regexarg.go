package dnif

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cartrans/cartrans/lang"
)

// EscapeRegexArg writes a regular expression (RE2, as cartrans' backend
// builds it) as the argument of regex(…), which ScanRegex reads back. The argument is unquoted and DNIF
// documents no rule for what ends it (docs/design/dnif.md §3), so it is
// made of a closed alphabet that no reading of the where clause can take
// for anything but one term: letters, digits, the regular expression's own
// operators . * + ? ^ | [ ] { } ( ) (its parentheses balanced, as the
// expression's groups are), \ and - _ / : @; a $ only as the anchor at
// the end of an alternative or group. Every other character is written
// as the escape \xHH, which means the same character to any regular
// expression engine (PCRE, Python's re, Java, RE2): a space, so that no
// word of a value (AND, NOT, limit, as #A: Reserved) stands alone; a quote; > of
// >>; a parenthesis inside a class or escaped, so that the argument's raw
// parentheses stay balanced; a literal $, so that no $Name can be read as
// a field; a control character. A comma is written \, as CAR's DNIF
// queries write it (CAR-2013-07-001); \, is a literal comma too. What
// has no such escape (a character past ASCII that is a control, a
// separator or a space; \Q…\E quoting) is refused.
func EscapeRegexArg(re string) (string, error) {
	var b strings.Builder
	hex := func(c byte) { // \x%02x
		const digits = "0123456789abcdef"
		b.WriteString(`\x`)
		b.WriteByte(digits[c>>4])
		b.WriteByte(digits[c&15])
	}
	inClass := false
	for i := 0; i < len(re); i++ {
		c := re[i]
		switch {
		case c == '\\':
			if i+1 >= len(re) {
				return "", fmt.Errorf("a regular expression ends in a backslash")
			}
			i++
			switch e := re[i]; {
			case e == 'Q':
				return "", fmt.Errorf("\\Q…\\E quoting writes its text raw")
			case isAlnum(e) || strings.IndexByte(`\.*+?^|[]{}-_/:@`, e) >= 0:
				b.WriteByte('\\')
				b.WriteByte(e)
			case e == ',':
				b.WriteString(`\,`)
			case e > ' ' && e < 0x7f:
				hex(e) // \( \) \$ \" …: the same character
			default:
				return "", fmt.Errorf("an escaped character %q has no escape DNIF's regex() can carry", e)
			}
		case inClass && c == '[' && strings.HasPrefix(re[i:], "[:"):
			end := strings.Index(re[i:], ":]")
			if end < 0 {
				return "", fmt.Errorf("an unterminated [: in a character class")
			}
			b.WriteString(re[i : i+end+2]) // [:alpha:], letters only
			i += end + 1
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
			// ] right after [ or [^ is a member, not the end.
			if strings.HasPrefix(re[i+1:], "^") {
				b.WriteByte('^')
				i++
			}
			if strings.HasPrefix(re[i+1:], "]") {
				b.WriteString(`\x5d`)
				i++
			}
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		case isAlnum(c) || strings.IndexByte(`.*+?^|[]{}-_/:@`, c) >= 0:
			b.WriteByte(c)
		case (c == '(' || c == ')') && !inClass:
			b.WriteByte(c)
		case c == '$' && !inClass:
			if i+1 < len(re) && re[i+1] != ')' && re[i+1] != '|' {
				return "", fmt.Errorf("a $ that does not end an alternative or a group could read as a DNIF field")
			}
			b.WriteByte(c)
		case c == ',':
			b.WriteString(`\,`)
		case c < utf8.RuneSelf:
			hex(c) // a space, quote, >, a control character…
		default:
			r, size := utf8.DecodeRuneInString(re[i:])
			if lang.FirstControl(string(r)) == 0 || unicode.IsSpace(r) {
				return "", fmt.Errorf("the character %U has no escape common to regular expression engines", r)
			}
			b.WriteString(re[i : i+size])
			i += size - 1
		}
	}
	return b.String(), nil
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
