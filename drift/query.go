// Package drift compares the queries people wrote by hand beside an
// analytic's pseudocode (as CAR's pages carry them) with the queries
// cartrans generates from it, by meaning: a small reader per query
// language extracts the fields and values a query tests, and the
// comparison reports where the two differ (a name matched as a substring,
// a full path where the pseudocode names a base name, a condition
// missing, another event code).
//
// The readers are not full parsers of their languages: they read the
// search part of a query (the condition of a Splunk search, a LogPoint
// search, a DNIF _fetch, an EQL event query) and the filtering pipes,
// and list what they leave unread (statistics, tables, subsearches), so
// that the report says what it did not compare.
package drift

import (
	"strconv"
	"strings"

	"github.com/cartrans/cartrans/lang"
)

// Kind is what a Node is.
type Kind int

const (
	// And holds when every kid holds.
	And Kind = iota
	// Or holds when a kid holds.
	Or
	// Not negates its one kid.
	Not
	// Cmp is a comparison of a field with a value (Node.Test).
	Cmp
	// Term is a full-text search term that names no field (Node.Text):
	// Splunk's bare words.
	Term
)

// Node is a query's condition, as a boolean tree over comparisons.
type Node struct {
	Kind Kind
	Kids []*Node
	Test Test
	Text string
	// Pos is the byte offset of the node in the query text.
	Pos int
}

// Op is a comparison operator.
type Op string

const (
	Eq Op = "="
	Ne Op = "!="
	Lt Op = "<"
	Le Op = "<="
	Gt Op = ">"
	Ge Op = ">="
	// Flag is a field read as a boolean (EQL's subtype.create).
	Flag Op = "flag"
)

// ValueKind says how a Value's text matches.
type ValueKind int

const (
	// Glob: '*' matches any run of characters, '?' (where the language
	// has it) one character; every other character is itself, escapes
	// already removed.
	Glob ValueKind = iota
	// Exact: the text, with no wildcards.
	Exact
	// Regex: an RE2 regular expression, matched anywhere in the value
	// unless anchored.
	Regex
	// Like: SQL LIKE, '%' any run, '_' one character.
	Like
)

// Value is the literal a comparison tests, unescaped.
type Value struct {
	Kind ValueKind
	Text string
	// Fold: the comparison ignores case.
	Fold bool
}

// Test is one comparison.
type Test struct {
	// Field as the query names it (Image, $App, process_name).
	Field string
	Op    Op
	Value Value
}

// Query is what a reader read of one query.
type Query struct {
	// Where is the condition, nil when the query has none.
	Where *Node
	// Categories are the event categories the query searches (EQL's
	// "process where …"), in order.
	Categories []string
	// Unread are the parts of the query not compared (a stats pipe, a
	// subsearch), as written.
	Unread []string
}

// Error is a query a reader could not read: the languages' own error
// (package lang), so that a lexer's error is a reader's.
type Error = lang.Error

// and joins conditions, dropping nils.
func and(nodes ...*Node) *Node {
	var kids []*Node
	for _, n := range nodes {
		if n != nil {
			kids = append(kids, n)
		}
	}
	switch len(kids) {
	case 0:
		return nil
	case 1:
		return kids[0]
	}
	return &Node{Kind: And, Kids: kids, Pos: kids[0].Pos}
}

// String writes the condition in a compact prefix form, for tests and
// messages: and(…), or(…), not(…), field=value, "term".
func (n *Node) String() string {
	if n == nil {
		return "<none>"
	}
	switch n.Kind {
	case And, Or, Not:
		name := map[Kind]string{And: "and", Or: "or", Not: "not"}[n.Kind]
		parts := make([]string, len(n.Kids))
		for i, k := range n.Kids {
			parts[i] = k.String()
		}
		return name + "(" + strings.Join(parts, " ") + ")"
	case Term:
		return strconv.Quote(n.Text)
	}
	t := n.Test
	if t.Op == Flag {
		return t.Field
	}
	v := strconv.Quote(t.Value.Text)
	switch t.Value.Kind {
	case Exact:
		v = "exact:" + v
	case Regex:
		v = "re:" + v
	case Like:
		v = "like:" + v
	}
	if t.Value.Fold {
		v += "/i"
	}
	return t.Field + string(t.Op) + v
}
