// Package all lists every query backend, in the order the commands
// present them.
package all

import (
	"github.com/cartrans/cartrans/backends"
	"github.com/cartrans/cartrans/backends/dnif"
	"github.com/cartrans/cartrans/backends/eql"
	"github.com/cartrans/cartrans/backends/kql"
	"github.com/cartrans/cartrans/backends/logpoint"
	"github.com/cartrans/cartrans/backends/splunk"
)

// Backends returns every backend.
func Backends() []backends.Backend {
	return []backends.Backend{splunk.Backend{}, eql.Backend{}, dnif.Backend{}, logpoint.Backend{}, kql.Backend{}}
}

// Find returns the backend with a name.
func Find(name string) (backends.Backend, bool) {
	for _, b := range Backends() {
		if b.Name() == name {
			return b, true
		}
	}
	return nil, false
}
