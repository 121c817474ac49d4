package native

import "strings"

// glob is a compiled wildcard pattern of the pseudocode (docs/pseudocode.md
// §5.3): "*" stands for any run of characters, nothing else is special,
// and the comparison ignores case. It matches in time linear in the
// lengths of pattern and value: the first part must begin the value and
// the last end it, and each part between is placed at its leftmost
// occurrence after the one before, which is optimal for "*" alone (a
// later placement never leaves more room), so nothing is ever retried.
type glob struct {
	parts []string // lower-cased; len 1 when there is no "*"
}

func compileGlob(pattern string) glob {
	return glob{parts: strings.Split(strings.ToLower(pattern), "*")}
}

// match reports whether the lower-cased value matches.
func (g glob) match(lower string) bool {
	p := g.parts
	if len(p) == 1 {
		return lower == p[0]
	}
	first, last := p[0], p[len(p)-1]
	if len(lower) < len(first)+len(last) || !strings.HasPrefix(lower, first) || !strings.HasSuffix(lower, last) {
		return false
	}
	rest := lower[len(first) : len(lower)-len(last)]
	for _, mid := range p[1 : len(p)-1] {
		i := strings.Index(rest, mid)
		if i < 0 {
			return false
		}
		rest = rest[i+len(mid):]
	}
	return true
}

// lowerASCII lower-cases s, without allocating when it has no upper-case
// letter (most event values are lower case or mixed only in a few).
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return strings.ToLower(s)
		}
		if 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
