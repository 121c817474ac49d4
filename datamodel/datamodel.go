// Package datamodel is the CAR data model as data: its objects (Process,
// File, Flow, …), the actions each records and the fields each carries.
// The pseudocode checker validates searches and field names against it and
// the backends map its fields. car.json is generated from CAR's
// data_model/*.yaml by gen.go and embedded, so the binary needs no corpus.
package datamodel

import (
	_ "embed"
	"encoding/json"
	"slices"
	"strings"
	"sync"
)

//go:generate go run gen.go -corpus ../../shared/car -o car.json

//go:embed car.json
var carJSON []byte

// Object is a CAR data model object.
type Object struct {
	// Name is CAR's own spelling ("Process", "User Session").
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
	Fields  []string `json:"fields"`
}

// ImplicitFields are carried by every event of every object, though the
// data model does not list them: the event's time, and the host it is
// from. CAR's analytics compare and join on them throughout.
var ImplicitFields = []string{"time", "hostname", "fqdn"}

// objects are decoded on first use, not at start-up.
var objects = sync.OnceValue(func() []*Object {
	var list []*Object
	if err := json.Unmarshal(carJSON, &list); err != nil {
		panic("datamodel: embedded car.json is invalid: " + err.Error())
	}
	return list
})

// Objects returns every object, sorted by name. Callers must not modify them.
func Objects() []*Object { return objects() }

// Key normalises an object name for lookup: case, spaces and underscores
// do not matter, so "User Session", "User_Session" and "usersession" are
// one object.
func Key(name string) string {
	return strings.ToLower(separators.Replace(name))
}

var separators = strings.NewReplacer(" ", "", "_", "", "-", "")

// byKey indexes the objects by Key of their names.
var byKey = sync.OnceValue(func() map[string]*Object {
	m := make(map[string]*Object, len(objects()))
	for _, o := range objects() {
		m[Key(o.Name)] = o
	}
	return m
})

// Lookup finds an object by name in any of the spellings Key accepts.
func Lookup(name string) (*Object, bool) {
	o, ok := byKey()[Key(name)]
	return o, ok
}

// Names lists the objects' names, for suggestions.
func Names() []string {
	names := make([]string, len(objects()))
	for i, o := range objects() {
		names[i] = o.Name
	}
	return names
}

// ID is the object's name as CAR writes it in data model references and
// URLs: lower case with underscores ("user_session").
func (o *Object) ID() string { return strings.ToLower(strings.ReplaceAll(o.Name, " ", "_")) }

// Action finds the object's action as the data model spells it, matching
// as Key does (case and underscores do not matter: RemoteCreate is
// remote_create).
func (o *Object) Action(name string) (string, bool) {
	k := Key(name)
	for _, a := range o.Actions {
		if Key(a) == k {
			return a, true
		}
	}
	return "", false
}

// HasField reports whether events of the object carry the field, counting
// the implicit fields. Field names are case-sensitive, as in CAR.
func (o *Object) HasField(field string) bool {
	return slices.Contains(o.Fields, field) || slices.Contains(ImplicitFields, field)
}

// AllFields lists the object's fields and then the implicit ones not
// already among them, for suggestions.
func (o *Object) AllFields() []string {
	out := slices.Clone(o.Fields)
	for _, f := range ImplicitFields {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}
