package version

import (
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

func TestShortAndString(t *testing.T) {
	for _, tc := range []struct {
		in          Info
		short, long string
	}{
		{Info{Version: "v1.2.3", Commit: "3f2a9c1d0e4b", Go: "go1.26.8"}, "v1.2.3+3f2a9c1d0e4b", "cartrans v1.2.3+3f2a9c1d0e4b (go1.26.8)"},
		{Info{Version: "v0.0.0-20261203090000-3f2a9c1d0e4b", Commit: "3f2a9c1d0e4b"}, "v0.0.0-20261203090000-3f2a9c1d0e4b", "cartrans v0.0.0-20261203090000-3f2a9c1d0e4b"},
		{Info{Version: "devel", Commit: "3f2a9c1d0e4b", Modified: true, Go: "go1.26.8"}, "devel+3f2a9c1d0e4b-dirty", "cartrans devel+3f2a9c1d0e4b-dirty (go1.26.8)"},
		{Info{Version: "devel"}, "devel", "cartrans devel"},
	} {
		if got := tc.in.Short(); got != tc.short {
			t.Errorf("%+v.Short() = %q, want %q", tc.in, got, tc.short)
		}
		if got := tc.in.String(); got != tc.long {
			t.Errorf("%+v.String() = %q, want %q", tc.in, got, tc.long)
		}
	}
}
