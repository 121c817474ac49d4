package logpoint

import "github.com/cartrans/cartrans/backends"

//go:generate go run ../genprofiles.go .:sysmon,sigma

// Registration declares the backend to backends/all. CAR writes the type
// "LogPoint" (analytics-yaml; its pages "Logpoint").
var Registration = backends.Registration{Backend: Backend{}, Display: "LogPoint"}
