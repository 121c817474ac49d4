package encode

import (
	"bytes"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

type sample struct {
	Zeta  string         `json:"zeta"`
	Alpha []int          `json:"alpha,omitempty"`
	Code  string         `json:"code"`
	Empty string         `json:"empty,omitempty"`
	Map   map[string]any `json:"map"`
}

func TestYAMLKeepsJSONKeysAndOrder(t *testing.T) {
	v := sample{Zeta: "z", Alpha: []int{1, 2}, Code: "a = b\noutput \"x\" <y>", Map: map[string]any{"yes": "no", "n": 1.5}}
	var out bytes.Buffer
	if err := YAML(&out, v); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if strings.Index(s, "zeta:") > strings.Index(s, "alpha:") {
		t.Errorf("YAML lost the field order:\n%s", s)
	}
	if strings.Contains(s, "empty") {
		t.Errorf("YAML kept an omitted field:\n%s", s)
	}
	var back map[string]any
	if err := yaml.Unmarshal(out.Bytes(), &back); err != nil {
		t.Fatalf("output is not YAML: %v\n%s", err, s)
	}
	if back["code"] != v.Code || back["zeta"] != "z" {
		t.Errorf("round trip changed values: %#v", back)
	}
	// "yes" and "no" are booleans in YAML 1.1 readers: they must stay strings.
	if m := back["map"].(map[string]any); m["yes"] != "no" {
		t.Errorf("string \"no\" did not survive: %#v", m)
	}
}

func TestJSONDoesNotEscapeHTML(t *testing.T) {
	var out bytes.Buffer
	if err := JSON(&out, map[string]string{"q": "a < b && c > d"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "a < b && c > d") {
		t.Errorf("JSON escaped the query: %s", out.String())
	}
}
