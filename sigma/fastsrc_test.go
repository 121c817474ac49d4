package sigma

import (
	"reflect"
	"testing"

	"github.com/cartrans/cartrans/diag"
)

// TestFastSrc: the line table the fast reader gives a file is newSrc's,
// for every rule of the corpus and for files with and without a final
// line break, blank and non-ASCII lines.
func TestFastSrc(t *testing.T) {
	check := func(name string, data []byte) {
		p := fastParser{data: data}
		if _, ok := p.docs(); !ok {
			return
		}
		var diags diag.List
		got, want := p.src(name, &diags), newSrc(name, data, &diags)
		if !reflect.DeepEqual(got.lines, want.lines) || !reflect.DeepEqual(got.nonASCII, want.nonASCII) {
			t.Errorf("%s: lines %v, non-ASCII %v; newSrc gives %v, %v", name, got.lines, got.nonASCII, want.lines, want.nonASCII)
		}
	}
	for _, s := range []string{"a: b", "a: b\n", "a: b\n\n", "\n\na: b\n  \n", "a: é\nb: c", "a: é\nb: c\n", "# x\na: 1\n"} {
		check(s, []byte(s))
	}
	paths, data := corpusRules(t)
	for i, p := range paths {
		check(p, data[i])
	}
}
