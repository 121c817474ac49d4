package sigmair

import (
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"

	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/sigma"
)

// variants applies an item's modifiers to one string value, in the order
// they are written (as pySigma applies them: wide then base64offset
// encodes the UTF-16 bytes), giving the patterns any of which matches.
func (l *lowerer) variants(it *sigma.FieldItem, v sigma.Value) ([][]sigma.Segment, error) {
	segs := v.Segments
	if segs == nil {
		segs = sigma.ParseString(v.Raw, false)
	}
	out := [][]sigma.Segment{segs}
	for _, m := range it.Modifiers {
		var err error
		switch m.Mod {
		case sigma.ModExpand:
			out, err = l.expand(out, v)
		case sigma.ModWindash:
			out, err = expandEach(out, windash, v)
		case sigma.ModUTF16LE, sigma.ModUTF16BE, sigma.ModUTF16, sigma.ModBase64, sigma.ModB64Off:
			out, err = encode(out, m, v)
		case sigma.ModContains:
			out = each(out, func(s []sigma.Segment) []sigma.Segment { return wrap(s, true, true) })
		case sigma.ModStartsWith:
			out = each(out, func(s []sigma.Segment) []sigma.Segment { return wrap(s, false, true) })
		case sigma.ModEndsWith:
			out = each(out, func(s []sigma.Segment) []sigma.Segment { return wrap(s, true, false) })
		}
		if err != nil {
			return nil, err
		}
	}
	for _, s := range out {
		for _, seg := range s {
			if seg.Kind == sigma.Placeholder {
				return nil, refuse(v.Pos, "the placeholder %"+seg.Text+"%", "a placeholder is read only with the expand modifier")
			}
		}
	}
	return out, nil
}

func each(vs [][]sigma.Segment, fn func([]sigma.Segment) []sigma.Segment) [][]sigma.Segment {
	for i := range vs {
		vs[i] = fn(vs[i])
	}
	return vs
}

// expandEach replaces each pattern by the patterns fn gives for it,
// within MaxVariants.
func expandEach(vs [][]sigma.Segment, fn func([]sigma.Segment) [][]sigma.Segment, v sigma.Value) ([][]sigma.Segment, error) {
	var out [][]sigma.Segment
	for _, s := range vs {
		more := fn(s)
		if more == nil || len(out)+len(more) > MaxVariants {
			return nil, refuse(v.Pos, "a value of more than "+fmt.Sprint(MaxVariants)+" variants", "%s expands to too many patterns to write as one query", describe(v))
		}
		out = append(out, more...)
	}
	return out, nil
}

// windashChars are the characters windash makes interchangeable
// (modifiers appendix, "windash"): hyphen, slash, en dash, em dash and
// horizontal bar.
var windashChars = []string{"-", "/", "\u2013", "\u2014", "\u2015"}

// windash gives every permutation of the windash characters at every
// place one stands in the literal text, as the specification says (not
// only before a word, as pySigma does; docs/design/sigma.md); nil when
// there would be more than MaxVariants.
func windash(segs []sigma.Segment) [][]sigma.Segment {
	out := [][]sigma.Segment{nil}
	for _, s := range segs {
		if s.Kind != sigma.Literal {
			for i := range out {
				out[i] = append(out[i], s)
			}
			continue
		}
		// Split the text at the windash characters.
		pieces := []string{""}
		text := s.Text
		for len(text) > 0 {
			hit := ""
			for _, c := range windashChars {
				if strings.HasPrefix(text, c) {
					hit = c
					break
				}
			}
			if hit == "" {
				pieces[len(pieces)-1] += text[:1]
				text = text[1:]
				continue
			}
			pieces = append(pieces, "")
			text = text[len(hit):]
		}
		for k, p := range pieces {
			if k > 0 {
				if len(out)*len(windashChars) > MaxVariants {
					return nil
				}
				next := make([][]sigma.Segment, 0, len(out)*len(windashChars))
				for _, o := range out {
					for _, c := range windashChars {
						next = append(next, appendLit(o, c))
					}
				}
				out = next
			}
			if p != "" {
				for i := range out {
					out[i] = appendLit(out[i], p)
				}
			}
		}
	}
	return out
}

// appendLit appends literal text to a copy of segs, joining it to a
// literal segment at the end.
func appendLit(segs []sigma.Segment, text string) []sigma.Segment {
	out := make([]sigma.Segment, len(segs), len(segs)+1)
	copy(out, segs)
	if n := len(out); n > 0 && out[n-1].Kind == sigma.Literal {
		out[n-1].Text += text
		return out
	}
	return append(out, sigma.Segment{Kind: sigma.Literal, Text: text})
}

// expand replaces placeholders by the values --param gives them.
func (l *lowerer) expand(vs [][]sigma.Segment, v sigma.Value) ([][]sigma.Segment, error) {
	if name := l.missingParam(vs); name != "" {
		return nil, refuse(v.Pos, "the placeholder %"+name+"%", "give its values with --param %s=VALUE (repeatable)", name)
	}
	return expandEach(vs, func(segs []sigma.Segment) [][]sigma.Segment {
		out := [][]sigma.Segment{nil}
		for _, s := range segs {
			if s.Kind != sigma.Placeholder {
				for i := range out {
					out[i] = append(out[i], s)
				}
				continue
			}
			vals := l.opt.Params[s.Text]
			if len(out)*len(vals) > MaxVariants {
				return nil
			}
			next := make([][]sigma.Segment, 0, len(out)*len(vals))
			for _, o := range out {
				for _, pv := range vals {
					// A parameter's value is a Sigma string: its
					// wildcards are wildcards.
					next = append(next, append(append([]sigma.Segment(nil), o...), sigma.ParseString(pv, false)...))
				}
			}
			out = next
		}
		return out
	}, v)
}

// missingParam names the first placeholder without values.
func (l *lowerer) missingParam(vs [][]sigma.Segment) string {
	for _, segs := range vs {
		for _, s := range segs {
			if s.Kind == sigma.Placeholder && len(l.opt.Params[s.Text]) == 0 {
				return s.Text
			}
		}
	}
	return ""
}

// encode applies an encoding modifier to each pattern: its literal text
// as bytes (a wildcard cannot be encoded, so a pattern with one is
// refused, as pySigma refuses it).
func encode(vs [][]sigma.Segment, m sigma.Modifier, v sigma.Value) ([][]sigma.Segment, error) {
	var out [][]sigma.Segment
	for _, segs := range vs {
		text := ""
		for _, s := range segs {
			if s.Kind != sigma.Literal {
				return nil, refuse(m.Pos, "the "+m.Written+" modifier on a value with a wildcard or placeholder",
					"%s: an encoding rewrites plain text only (put contains, startswith or endswith after it)", describe(v))
			}
			text += s.Text
		}
		for _, e := range encodings(m.Mod, text) {
			if e == "" {
				// No segment, as the reader gives '': a literal of no
				// text would stand between contains's two wildcards.
				out = append(out, nil)
				continue
			}
			out = append(out, []sigma.Segment{{Kind: sigma.Literal, Text: e}})
		}
	}
	return out, nil
}

// encodings is text encoded as the modifier says (modifiers appendix,
// "Encoding").
func encodings(m sigma.Mod, text string) []string {
	switch m {
	case sigma.ModUTF16LE, sigma.ModUTF16BE, sigma.ModUTF16:
		units := utf16.Encode([]rune(text))
		var b strings.Builder
		if m == sigma.ModUTF16 {
			// A byte order mark, then little-endian, as the appendix's
			// example writes it (FF FE 63 00 …).
			b.WriteString("\xff\xfe")
		}
		for _, u := range units {
			lo, hi := byte(u), byte(u>>8)
			if m == sigma.ModUTF16BE {
				lo, hi = hi, lo
			}
			b.WriteByte(lo)
			b.WriteByte(hi)
		}
		return []string{b.String()}
	case sigma.ModBase64:
		return []string{base64.StdEncoding.EncodeToString([]byte(text))}
	}
	// base64offset: the text after zero, one and two bytes, encoded, with
	// the characters that depend on the bytes around it cut off (the
	// appendix's three variants), cut as pySigma's
	// SigmaBase64OffsetModifier cuts them: from 0, 2 or 3 by the shift,
	// and by 0, 3 or 2 from the end by the length in bytes with the
	// shift, modulo 3. A text too short to leave a character that
	// depends on it alone (one byte after one) gives the empty variant,
	// as there: any encoded text may hold it.
	start := [3]int{0, 2, 3}
	endCut := [3]int{0, 3, 2}
	out := make([]string, 0, 3)
	for i := range 3 {
		enc := base64.StdEncoding.EncodeToString(append([]byte(strings.Repeat(" ", i)), text...))
		end := len(enc) - endCut[(len(text)+i)%3]
		if start[i] >= end {
			out = append(out, "")
			continue
		}
		out = append(out, enc[start[i]:end])
	}
	return out
}

// regexp lowers a re value: Sigma's PCRE subset, with the i, m and s
// flags, run as RE2 by the native engine and written as is by the
// backends.
func (l *lowerer) regexp(it *sigma.FieldItem, f ir.Field, v sigma.Value) (ir.Cond, error) {
	flags := ""
	for _, m := range it.Modifiers {
		switch m.Mod {
		case sigma.ModReI:
			flags += "i"
		case sigma.ModReM:
			flags += "m"
		case sigma.ModReS:
			flags += "s"
		}
	}
	pattern := v.Raw
	if construct := pcreOnly(pattern); construct != "" {
		return nil, refuse(v.Pos, "a regular expression with "+construct,
			"RE2, which the native engine runs (and Go, Elasticsearch and most SIEMs' engines share), has no %s: %s", construct, describe(v))
	}
	if flags != "" {
		pattern = "(?" + flags + ")" + pattern
	}
	if _, err := regexp.Compile(pattern); err != nil {
		return nil, refuse(v.Pos, "the regular expression "+describe(v), "it is not one RE2 reads: %v", err)
	}
	if it.Keyword() {
		return nil, refuse(v.Pos, "a keyword regular expression", "a keyword has no field to test")
	}
	return ir.Regexp{Field: f, Pattern: pattern}, nil
}

// pcreOnly names a PCRE construct RE2 does not have, or "".
func pcreOnly(p string) string {
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '\\':
			if i+1 < len(p) {
				n := p[i+1]
				switch {
				case n >= '1' && n <= '9':
					return "a backreference (\\" + string(n) + ")"
				case n == 'k' && i+2 < len(p) && (p[i+2] == '<' || p[i+2] == '{' || p[i+2] == '\''):
					return "a named backreference"
				}
			}
			i++
		case '(':
			rest := p[i+1:]
			switch {
			case strings.HasPrefix(rest, "?="):
				return "a lookahead (?=…)"
			case strings.HasPrefix(rest, "?!"):
				return "a negative lookahead (?!…)"
			case strings.HasPrefix(rest, "?<="):
				return "a lookbehind (?<=…)"
			case strings.HasPrefix(rest, "?<!"):
				return "a negative lookbehind (?<!…)"
			case strings.HasPrefix(rest, "?>"):
				return "an atomic group (?>…)"
			}
		case '[':
			// Skip a class: its brackets and parentheses are literal.
			j := i + 1
			if j < len(p) && p[j] == '^' {
				j++
			}
			if j < len(p) && p[j] == ']' {
				j++
			}
			for j < len(p) && p[j] != ']' {
				if p[j] == '\\' {
					j++
				}
				j++
			}
			i = j
		case '+', '*', '?', '}':
			if i+1 < len(p) && p[i+1] == '+' && (p[i] != '?' || i == 0 || p[i-1] != '(') {
				return "a possessive quantifier (" + p[i:i+2] + ")"
			}
		}
	}
	return ""
}
