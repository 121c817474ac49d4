package kql

import "github.com/cartrans/cartrans/backends"

//go:generate go run ../genprofiles.go .:defender,sentinel

// Registration declares the backend to backends/all. CAR has no KQL
// implementation; "KQL" is the language's name on Microsoft Learn (Kusto
// Query Language).
var Registration = backends.Registration{Backend: Backend{}, Display: "KQL"}
