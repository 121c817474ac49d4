package sigma

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestPlainTagShortcuts: the tags plainTag gives without yaml.v3's
// resolver are the resolver's, on the scalars its shortcuts take and on
// their neighbours that the resolver reads as something else.
func TestPlainTagShortcuts(t *testing.T) {
	for _, v := range []string{
		"-enc", "-EncodedCommand", "+x", ".exe", ".inf", ".Inf", ".INF", ".iNf", ".nan", ".NaN", ".NAN", ".nAn",
		"-.inf", "+.inf", "-.Inf", ".5", "-5", "+5", "-_5", "-0b1", "-0o7", "-0x1f", "-e5", "-inf", "+Inf", "-nan",
		"-infinity", ".e5", ".E5", "-Infinity", "-", ".", "+", "-1e5", "1e5", "0x1F", "2023-01-02", "2023-02-30",
		"4688", "0777", "007", "1_000", "-_", "._", ".a_b", "-é", "-0", "+.5", "yes", "true", "~", "<<",
	} {
		n := &yaml.Node{Kind: yaml.ScalarNode, Value: v}
		if got, want := plainTag(n), n.ShortTag(); v != "<<" && got != want {
			t.Errorf("plainTag(%q) = %s, yaml.v3 resolves %s", v, got, want)
		}
	}
}

// TestPlainASCII: plainASCII is "no byte >= 0x80 and no CR" wherever
// such a byte stands among the words it reads.
func TestPlainASCII(t *testing.T) {
	for n := 0; n <= 20; n++ {
		for at := -1; at < n; at++ {
			for _, b := range []byte{0x80, 0xff, '\r', 0x7f} {
				data := []byte(strings.Repeat("a", n))
				if at >= 0 {
					data[at] = b
				}
				want := at < 0 || b == 0x7f
				if got := plainASCII(data); got != want {
					t.Errorf("plainASCII(%q) = %v, want %v", data, got, want)
				}
			}
		}
	}
}
