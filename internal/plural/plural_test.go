package plural

import (
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

func TestN(t *testing.T) {
	for n, want := range map[int]string{0: "0 matches", 1: "1 match", 2: "2 matches"} {
		if got := N(n, "match", "matches"); got != want {
			t.Errorf("N(%d) = %q, want %q", n, got, want)
		}
	}
}
