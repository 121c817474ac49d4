package eql

import "github.com/cartrans/cartrans/backends"

//go:generate go run ../genprofiles.go .:endgame,ecs

// Registration declares the backend to backends/all. CAR writes the type
// "EQL" (analytics-yaml; its pages "Eql").
var Registration = backends.Registration{Backend: Backend{}, Display: "EQL"}
