package splunk

import "github.com/cartrans/cartrans/backends"

//go:generate go run ../genprofiles.go .:sysmon,cim

// Registration declares the backend to backends/all. CAR writes the type
// "Splunk" (analytics-yaml and its pages); SPL is the language's own name
// (Splunk's Search Reference: "Search Processing Language (SPL)").
var Registration = backends.Registration{Backend: Backend{}, Display: "Splunk", Aliases: []string{"SPL"}}
