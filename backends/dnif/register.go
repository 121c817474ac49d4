package dnif

import "github.com/cartrans/cartrans/backends"

//go:generate go run ../genprofiles.go .:sysmon

// Registration declares the backend to backends/all. CAR writes the type
// "DNIF" (analytics-yaml; its pages "Dnif").
var Registration = backends.Registration{Backend: Backend{}, Display: "DNIF"}
