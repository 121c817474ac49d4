package backends

// Registration is what a backend declares of itself for the rest of the
// program: the Backend (its name on the command line and its profiles)
// and the implementation type CAR's pages write for its language. Each
// backend declares one (backends/<name>/register.go); backends/all holds
// them in the order the commands present them, and every list of backends
// elsewhere (the reader's implementation types, render's headings, the
// drift report's columns, the commands' help) is made from it, so adding a
// backend needs no edit outside its package and backends/all.
type Registration struct {
	Backend Backend
	// Display is the implementation type as CAR's pages write it in a
	// heading ("Splunk", "EQL"), which render writes for a generated one.
	Display string
	// Aliases are further spellings of the type that mean this backend
	// (CAR's YAML writes "SPL" for Splunk), compared without case.
	Aliases []string
}

// Name is the backend's name: its implementation type once normalised.
func (r Registration) Name() string { return r.Backend.Name() }
