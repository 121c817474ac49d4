package dnif_test

import (
	"regexp"
	"strings"
	"testing"

	backenddnif "github.com/cartrans/cartrans/backends/dnif"
	"github.com/cartrans/cartrans/internal/backendtest"
	"github.com/cartrans/cartrans/lang/dnif"
)

// The dnif backend writes a string test as regex(…)i, its argument
// escaped so that nothing in it ends the term (EscapeRegexArg). Every
// hostile value it writes reads back, through this package's lexer, as a
// regex() that matches the value whole and nothing longer, the rest of
// the query still lexing as its terms.
func TestWriterRegexArgumentsReadBack(t *testing.T) {
	hostile := []string{
		`a b`, `AND`, `x NOT y`, `x>>y`, `$App`, `a"b`, `a'b`, `C:\Windows\`, `(x)`, `[)]`, `a,b`, `é`, `x as #A limit 1`,
		`\x20`, `a)i`, "a\tb", `{1,3}`, `^$`, `a|b`,
	}
	for _, v := range hostile {
		lit := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"` // the pseudocode's escapes
		code := "p = search Process:Create\nx = filter p where command_line == " + lit + "\noutput x"
		q, e := backendtest.Translate(t, backenddnif.Backend{}, nil, code)
		if len(e.Queries) == 0 {
			t.Errorf("%q: refused: %s", v, e.Reason)
			continue
		}
		toks, err := dnif.Lex(q)
		if err != nil {
			t.Errorf("%q: %s: %v", v, q, err)
			continue
		}
		var res []dnif.Token
		for i, tk := range toks {
			if tk.Kind == dnif.Regex {
				res = append(res, tk)
				if i < 2 || toks[i-2].Kind != dnif.Field || toks[i-1].Text != "=" {
					t.Errorf("%q: regex() not after a field's =: %s", v, q)
				}
			}
		}
		if len(res) != 1 {
			t.Errorf("%q: %s holds %d regex() terms", v, q, len(res))
			continue
		}
		flags := ""
		if res[0].Fold {
			flags = "(?i)"
		}
		re, err := regexp.Compile(flags + res[0].Text)
		if err != nil || !re.MatchString(v) || re.MatchString(v+"x") || re.MatchString("x"+v) {
			t.Errorf("%q: %s reads back the expression %q, which does not match it whole (%v)", v, q, res[0].Text, err)
		}
	}
}
