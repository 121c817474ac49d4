package sigma

import (
	"testing"

	"github.com/cartrans/cartrans/diag"
	"gopkg.in/yaml.v3"
)

// TestMapperShortcut: where a scalar's source holds its value as is,
// the mapper's positions are the alignment's (and every node's position
// the one its offset gives), for every offset of every
// scalar of the corpus (keys with modifiers and conditions among them)
// and of scalars written quoted, escaped and folded.
func TestMapperShortcut(t *testing.T) {
	check := func(name string, data []byte) {
		var diags diag.List
		s := newSrc(name, data, &diags)
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			return
		}
		var walk func(n *yaml.Node)
		walk = func(n *yaml.Node) {
			// pos's shortcut for ASCII lines gives posAt's position.
			if off := s.offset(n.Line, n.Column); off >= 0 {
				if got, want := s.pos(n), s.posAt(off); got != want {
					t.Errorf("%s:%d:%d: pos %v, posAt says %v", name, n.Line, n.Column, got, want)
				}
			}
			if n.Kind == yaml.ScalarNode {
				start := s.offset(n.Line, n.Column)
				if start < 0 {
					return
				}
				fast, slow := s.buildMapper(n), s.alignMapper(n, start)
				for off := -1; off <= len(n.Value)+1; off++ {
					if got, want := fast(off), slow(off); got != want {
						t.Errorf("%s:%d:%d %q: offset %d at %v, the alignment says %v", name, n.Line, n.Column, n.Value, off, got, want)
						return
					}
				}
			}
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(&doc)
	}
	check("edge.yml", []byte("a|contains: x\n'q''k|re': \"e\\tx\"\nc: 'it''s'\nd: >-\n  folded\n  text\ne: |\n  |\nf: ''''''\ng: plain\n  continued\nh: \"\"\n"))
	paths, data := corpusRules(t)
	for i, p := range paths {
		check(p, data[i])
	}
}
