package compiler_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/ast"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/golden"
	"github.com/cartrans/cartrans/internal/testcorpus"
	"github.com/cartrans/cartrans/parser"
	"github.com/cartrans/cartrans/parser/printer"
	"github.com/cartrans/cartrans/parser/pseudo"
)

// corpusAnalytics reads the corpus's analytic pages under corpus-relative
// names, so that golden files do not depend on where the corpus lives.
func corpusAnalytics(tb testing.TB) []*analytic.Analytic {
	tb.Helper()
	names, texts := testcorpus.Pages(tb)
	var analytics []*analytic.Analytic
	for i, name := range names {
		a, _ := parser.Read(name, texts[i], analytic.FormatMarkdown)
		analytics = append(analytics, a)
	}
	return analytics
}

// corpusUnits compiles the corpus's analytics.
func corpusUnits(t *testing.T) []*compiler.Unit {
	t.Helper()
	return compiler.Compile(corpusAnalytics(t))
}

// unitName names a unit's golden file: the ID, and the implementation's
// number when the analytic has several pseudocode implementations.
func unitName(units []*compiler.Unit, u *compiler.Unit) string {
	n, k := 0, 0
	for _, v := range units {
		if v.Analytic == u.Analytic {
			n++
			if v == u {
				k = n
			}
		}
	}
	if n == 1 {
		return u.Analytic.ID
	}
	return fmt.Sprintf("%s-%d", u.Analytic.ID, k)
}

// TestCorpusAST: every pseudocode block of the corpus parses into a tree
// (possibly with repairs, each warned) or gets a precise error inside the
// block; the tree and the diagnostics of each are a golden file.
func TestCorpusAST(t *testing.T) {
	units := corpusUnits(t)
	if len(units) != 83 {
		t.Errorf("%d pseudocode blocks, want the corpus's 83", len(units))
	}
	g := golden.New(t, "ast")
	for _, u := range units {
		im := u.Implementation()
		lines := strings.Count(im.Code, "\n") + 1
		for _, d := range u.Diags {
			if d.Pos.File != u.Analytic.Pos.File || d.Pos.Line < im.CodePos.Line || d.Pos.Line >= im.CodePos.Line+lines || d.Pos.Col < 1 {
				t.Errorf("%s: diagnostic outside its block (lines %d-%d): %v", u.Analytic.ID, im.CodePos.Line, im.CodePos.Line+lines-1, d)
			}
		}
		if !u.OK() && u.Diags.Count(diag.Error) == 0 {
			t.Errorf("%s: not OK without an error", u.Analytic.ID)
		}
		var b bytes.Buffer
		for _, d := range u.Diags {
			fmt.Fprintln(&b, d)
		}
		b.WriteString("\n")
		if err := ast.Fprint(&b, u.Program, true); err != nil {
			t.Fatal(err)
		}
		b.WriteString("\n")
		g.Assert(t, unitName(units, u)+".txt", b.Bytes())
	}
}

// TestCorpusRoundTrip: the canonical form of every block that compiles
// parses back without a diagnostic into the same tree, and printing it
// again changes nothing (fmt of fmt is fmt).
func TestCorpusRoundTrip(t *testing.T) {
	for _, u := range corpusUnits(t) {
		if !u.OK() {
			continue
		}
		out := printer.Print(u.Program)
		again, d := pseudo.Parse(out, pseudo.Base{File: "fmt", Line: 1})
		if len(d) > 0 {
			t.Errorf("%s: canonical form has diagnostics %v:\n%s", u.Analytic.ID, d, out)
			continue
		}
		var a, b bytes.Buffer
		_ = ast.Fprint(&a, u.Program, false)
		_ = ast.Fprint(&b, again, false)
		if a.String() != b.String() {
			t.Errorf("%s: canonical form parses into another tree:\n%s", u.Analytic.ID, out)
		}
		if out2 := printer.Print(again); out2 != out {
			t.Errorf("%s: fmt of fmt differs:\n%s\n---\n%s", u.Analytic.ID, out, out2)
		}
	}
}

// TestCorpusSuggestions: the corpus's misspelt fields and outputs of
// names never defined are each reported with the right suggestion.
func TestCorpusSuggestions(t *testing.T) {
	want := map[string]string{
		"CAR-2020-11-005 E203 command_linee":   "did you mean command_line?",
		"CAR-2020-11-007 E203 comman_line":     "did you mean command_line?",
		"CAR-2022-03-001 E203 Key":             "did you mean key?",
		"CAR-2021-01-006 E203 parent_image":    "did you mean parent_image_path?",
		"CAR-2020-11-003 E203 Image":           "did you mean image_path?",
		"CAR-2013-09-005 E203 timestamp":       "did you mean time?",
		"CAR-2013-07-002 E203 port":            "did you mean dest_port or src_port?",
		"CAR-2013-01-003 E204 smb_write":       "did you mean smb_events, the last name defined?",
		"CAR-2021-05-003 E204 bcedit_commands": "did you mean bcdedit_commands?",
		"CAR-2014-02-001 E204 processes":       "did you mean process?",
		"CAR-2015-07-001 E204 users":           "did you mean compromised_accounts, the last name defined?",
		"CAR-2020-11-001 E202 Edit":            "did you mean value_edit or key_edit?",
	}
	got := map[string]string{}
	for _, u := range corpusUnits(t) {
		for _, d := range u.Diags {
			words := strings.Fields(d.Message)
			name := words[0]
			switch d.Code {
			case "E203":
				name = words[len(words)-1]
			case "E202":
				name = strings.Split(d.Message, `"`)[1]
			}
			got[u.Analytic.ID+" "+d.Code+" "+name] = d.Suggestion
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: suggestion %q, want %q", k, got[k], v)
		}
	}
}
