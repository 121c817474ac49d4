package backends

import (
	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

// Table is a backend as data: its name on the command line, its embedded
// profiles, and the drivers of its queries for a profile (a dialect may
// have its own).
type Table struct {
	Name     string
	Profiles func() []*profile.Profile
	Queries  func(p *profile.Profile) *Queries
}

// Spec is a backend package's key to its table: one type per backend,
// so that the backend is a zero value, Target[spec]{}.
type Spec interface{ Table() *Table }

// Target is the Backend of a table: a backend package declares
// "type Backend = backends.Target[spec]".
type Target[S Spec] struct{}

func (Target[S]) table() *Table {
	var s S
	return s.Table()
}

// Name is the table's name.
func (t Target[S]) Name() string { return t.table().Name }

// Profiles are the table's embedded profiles; the first is the default.
func (t Target[S]) Profiles() []*profile.Profile { return t.table().Profiles() }

// Convert translates each query of a program through the profile's
// drivers.
func (t Target[S]) Convert(qs []ir.Query, p *profile.Profile) ([]Result, error) {
	return t.table().Queries(p).Convert(qs, p)
}
