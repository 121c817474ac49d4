package suggest

import (
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "abc", 3},
		{"psuedocode", "pseudocode", 2},
		{"command_linee", "command_line", 1},
		{"comman_line", "command_line", 1},
		{"kitten", "sitting", 3},
	} {
		if got := Distance(c.a, c.b); got != c.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

func TestClosest(t *testing.T) {
	fields := []string{"command_line", "exe", "parent_exe", "image_path"}
	if got, ok := Closest("comman_line", fields, 2); !ok || got != "command_line" {
		t.Errorf("Closest = %q, %v; want command_line", got, ok)
	}
	if got, ok := Closest("hostname", fields, 2); ok {
		t.Errorf("Closest(hostname) = %q, want no suggestion", got)
	}
	if _, ok := Closest("x", nil, 2); ok {
		t.Error("Closest over no candidates found one")
	}
}
