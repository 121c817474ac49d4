package ir_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/analytic"
	"github.com/cartrans/cartrans/compiler"
	"github.com/cartrans/cartrans/internal/backendtest"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/ir"
)

func lower(t *testing.T, code string) ([]ir.Query, error) {
	t.Helper()
	units := compiler.Compile([]*analytic.Analytic{backendtest.Analytic(code)})
	if !units[0].OK() {
		t.Fatalf("%s: %v", code, units[0].Diags)
	}
	return ir.Lower(units[0].Program, units[0].Info)
}

// TestJoinSides checks that a join whose side is itself a join or a group
// is refused when lowered, naming the join, so that no backend reports
// the side instead.
func TestJoinSides(t *testing.T) {
	for _, code := range []string{
		"p = search Process:Create\nc = count(p) by hostname\nf = search Flow:Start\nj = join (c, f) where c.hostname == f.hostname\noutput j",
		"a = search Process:Create\nb = search Process:Create\nj = join (a, b) where a.pid == b.ppid\nf = search Flow:Start\nk = join (f, j) where f.pid == j.pid\noutput k",
	} {
		_, err := lower(t, code)
		var u *ir.Unsupported
		if !errors.As(err, &u) || u.Construct != "join of a join or a group" {
			t.Errorf("%s:\n got %v", code, err)
		}
	}
	qs, err := lower(t, "a = search Process:Create\nb = search Process:Create\nj = join (a, b) where a.pid == b.ppid\noutput j")
	if err != nil || len(qs) != 1 || qs[0].Join == nil || len(qs[0].Join.Keys) != 1 {
		t.Errorf("a plain join: %+v, %v", qs, err)
	}
}

// TestSetDifference: "a - b" over the same events is a's condition and
// not the rest of b's; over other events it is a; other shapes are
// refused, naming the construct.
func TestSetDifference(t *testing.T) {
	const p = "processes = search Process:Create\nsvc = filter processes where exe == \"svchost.exe\"\n"
	for _, c := range []struct{ code, want, refused string }{
		{p + "known = filter svc where parent_exe == \"services.exe\"\nx = svc - known\noutput x",
			`and(exe == "svchost.exe", not(parent_exe == "services.exe"))`, ""},
		{p + "cmd = search Process:Create where exe == \"cmd.exe\"\nx = svc - cmd\noutput x",
			`and(exe == "svchost.exe", not(exe == "cmd.exe"))`, ""},
		{p + "f = search File:Create\nx = svc - f\noutput x", `exe == "svchost.exe"`, ""},
		{p + "x = svc - processes\noutput x", "", "set difference that is empty"},
		{p + "all = search Process\nx = svc - all\noutput x", "", "set difference that is empty"},
		{p + "all = search Process\nx = all - svc\noutput x", "", "set difference of datasets over partly different events"},
		{p + "c = count(processes) by hostname\nx = svc - c\noutput x", "", "set difference of joins, groups or bare conditions"},
	} {
		qs, err := lower(t, c.code)
		var u *ir.Unsupported
		switch {
		case c.refused != "":
			if !errors.As(err, &u) || u.Construct != c.refused {
				t.Errorf("%s:\n got %v, want %q", c.code, err, c.refused)
			}
		case err != nil:
			t.Errorf("%s: %v", c.code, err)
		case show(qs[0].Cond) != c.want || len(qs[0].Sources) != 1:
			t.Errorf("%s:\n got %s %v\nwant %s", c.code, show(qs[0].Cond), qs[0].Sources, c.want)
		}
	}
}

// show writes a condition compactly, for the tests.
func show(c ir.Cond) string {
	switch c := c.(type) {
	case ir.And:
		var parts []string
		for _, t := range c.Terms {
			parts = append(parts, show(t))
		}
		return "and(" + strings.Join(parts, ", ") + ")"
	case ir.Not:
		return "not(" + show(c.X) + ")"
	case ir.Match:
		return c.Field.Name + " == " + strconv.Quote(c.Value.Str)
	}
	return fmt.Sprintf("%T", c)
}

// TestDerivedFields: a derived field that copies another is that field
// (copies of copies too), in the datasets derived after it; one computed
// by an expression is refused where it is used.
func TestDerivedFields(t *testing.T) {
	const p = "p = search Process:Create\n"
	for _, c := range []struct{ code, want, refused string }{
		{p + "p.image = p.image_path\nx = filter p where image == \"a\"\noutput x", `image_path == "a"`, ""},
		{p + "p.image = image_path\np.img = p.image\nx = filter p where img == \"a\"\noutput x", `image_path == "a"`, ""},
		{p + "p.cl = lower(p.command_line)\nx = filter p where cl == \"a\"\noutput x", "", "derived field"},
		{p + "p.cl = lower(p.command_line)\nx = filter p where exe == \"a\"\noutput x", `exe == "a"`, ""},
	} {
		qs, err := lower(t, c.code)
		var u *ir.Unsupported
		switch {
		case c.refused != "":
			if !errors.As(err, &u) || u.Construct != c.refused {
				t.Errorf("%s:\n got %v, want %q", c.code, err, c.refused)
			}
		case err != nil:
			t.Errorf("%s: %v", c.code, err)
		case show(qs[0].Cond) != c.want:
			t.Errorf("%s:\n got %s\nwant %s", c.code, show(qs[0].Cond), c.want)
		}
	}
}
