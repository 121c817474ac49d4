package agree_test

import (
	"fmt"

	"github.com/cartrans/cartrans/backends/kql/kqlread"
	"github.com/cartrans/cartrans/profile"
)

// readKQL reads a query of the kql backend with the reader its tests
// share (backends/kql/kqlread: KQL's string operators, null and
// three-valued logic), over the table of the profile's process creation:
// a row is an event written in that table's columns.
func readKQL(p *profile.Profile, q string) (func(map[string]string) bool, error) {
	query, err := kqlread.Read(q)
	if err != nil {
		return nil, err
	}
	if want := p.Events["process/create"].Category; query.Table != want {
		return nil, fmt.Errorf("the query reads table %s, not %s", query.Table, want)
	}
	return query.Keeps, nil
}
