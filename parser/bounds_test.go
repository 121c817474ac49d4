package parser

import (
	"fmt"
	"strings"
	"testing"
)

// boundsPage is an analytic page with body as its description and a
// coverage table whose first row's technique cell is cell.
func boundsPage(body, cell string) string {
	return "---\ntitle: \"CAR-2026-11-997: Bounds\"\nsubmission_date: 2026/11/26\n---\n" + body + "\n\n" +
		"### ATT&CK Detections\n\n|Technique|Subtechnique(s)|Tactic(s)|Level of Coverage|\n|---|---|---|---|\n" +
		"|" + cell + "||[Execution](https://attack.mitre.org/tactics/TA0002/)|Moderate|\n"
}

const techLink = "[System Services](https://attack.mitre.org/techniques/T1569/)"

// warnings are the reader's warnings that mention what.
func warnings(t *testing.T, page, what string) []string {
	t.Helper()
	a, diags := ReadMarkdown("p.md", []byte(page))
	if a == nil {
		t.Fatalf("not read: %v", diags)
	}
	var out []string
	for _, d := range diags {
		if strings.Contains(d.Message, what) {
			out = append(out, d.String())
		}
	}
	return out
}

// TestReadNestingBound reads block quotes nested deeper than MaxNesting:
// the deeper markers are text, and the reader says where.
func TestReadNestingBound(t *testing.T) {
	ok := boundsPage("Intro.\n\n"+strings.Repeat(">", MaxNesting)+" deep enough", techLink)
	if w := warnings(t, ok, "nested deeper"); len(w) != 0 {
		t.Errorf("%d levels: %v", MaxNesting, w)
	}
	for _, body := range []string{
		strings.Repeat(">", MaxNesting+1) + " too deep",
		strings.Repeat("- ", MaxNesting+1) + "too deep",
		strings.Repeat("> 1. ", MaxNesting/2) + "> too deep",
	} {
		w := warnings(t, boundsPage("Intro.\n\n"+body, techLink), "nested deeper")
		want := fmt.Sprintf("p.md:7:%d: warning: block quotes or lists nested deeper than %d levels: the deeper markers are read as text", len(body)-len("too deep")-1, MaxNesting)
		if len(w) != 1 || w[0] != want {
			t.Errorf("%q:\n got %q\nwant %q", body, w, want)
		}
	}
}

// TestReadInlineBound reads a table cell longer than MaxInline: its link
// is not read, and the reader says so; a cell within the bound is read.
func TestReadInlineBound(t *testing.T) {
	within := techLink + " " + strings.Repeat("x", MaxInline-len(techLink)-1)
	a, _ := ReadMarkdown("p.md", []byte(boundsPage("Intro.", within)))
	if a == nil || len(a.Coverage) != 1 || a.Coverage[0].Technique.ID != "T1569" {
		t.Fatalf("a cell of %d bytes: %+v", len(within), a)
	}
	over := within + "x"
	w := warnings(t, boundsPage("Intro.", over), "longer than")
	want := fmt.Sprintf("p.md:11:2: warning: table cell of %d bytes, longer than %d: its links and other markup are read as plain text", MaxInline+1, MaxInline)
	if len(w) != 1 || w[0] != want {
		t.Errorf("got %q\nwant %q", w, want)
	}
	a, _ = ReadMarkdown("p.md", []byte(boundsPage("Intro.", over)))
	if len(a.Coverage) != 1 || a.Coverage[0].Technique.ID != "" {
		t.Errorf("the link of a cell over the bound was read: %+v", a.Coverage)
	}
}

// TestReadInlineTotalBound reads a page whose headings and cells hold
// more than MaxInlineTotal bytes: those past it are read as text, and the
// reader says from where.
func TestReadInlineTotalBound(t *testing.T) {
	cell := techLink + " " + strings.Repeat("x", MaxInline-len(techLink)-1)
	rows := MaxInlineTotal / MaxInline
	var b strings.Builder
	b.WriteString(boundsPage("Intro.", cell))
	for range rows {
		b.WriteString("|" + cell + "||[Execution](https://attack.mitre.org/tactics/TA0002/)|Moderate|\n")
	}
	a, diags := ReadMarkdown("p.md", []byte(b.String()))
	if a == nil {
		t.Fatalf("not read: %v", diags)
	}
	var w []string
	for _, d := range diags {
		if strings.Contains(d.Message, "past the first") {
			w = append(w, d.String())
		}
	}
	// The header's cells and each row's short cells count too: the bound
	// is crossed a row or two before the last.
	if len(w) != 1 || !strings.Contains(w[0], fmt.Sprintf("past the first %d bytes", MaxInlineTotal)) {
		t.Fatalf("warnings %q", w)
	}
	read := 0
	for _, c := range a.Coverage {
		if c.Technique.ID == "T1569" {
			read++
		}
	}
	if read == 0 || read == len(a.Coverage) {
		t.Errorf("%d of %d rows' links read", read, len(a.Coverage))
	}
}
