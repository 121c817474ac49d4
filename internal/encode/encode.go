// Package encode writes values as indented JSON or as YAML with the same
// keys in the same order, for the commands' --format flag.
package encode

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// JSON writes v as indented JSON followed by a newline. HTML characters are
// not escaped: the output carries queries and code, not web pages.
func JSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// YAML writes v as YAML. It goes through JSON so that the keys, their order
// and the omitted fields are exactly those of the JSON output; YAML being a
// superset of JSON, yaml.v3 reads that JSON into a node tree that keeps
// the order, and prints it back in block style.
func YAML(w io.Writer, v any) error {
	var buf bytes.Buffer
	if err := JSON(&buf, v); err != nil {
		return err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(buf.Bytes(), &doc); err != nil {
		return fmt.Errorf("converting to YAML: %w", err)
	}
	plain(&doc)
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return enc.Close()
}

// plain drops the flow and quoting styles that came from the JSON text, so
// the encoder picks YAML's own (and quotes only what needs quoting).
func plain(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		plain(c)
	}
}
