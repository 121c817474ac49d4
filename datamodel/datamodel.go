// Package datamodel is the CAR data model as data: its objects (Process,
// File, Flow, …), the actions each records and the fields each carries.
// The pseudocode checker validates searches and field names against it and
// the backends map its fields. car.json is generated from CAR's
// data_model/*.yaml by gen.go and embedded, so the binary needs no corpus.
// additions.yaml holds cartrans's own fields, added beside CAR's where
// Sigma rules test what Sysmon records and CAR has no field for: each is
// named and documented there, and marked as an addition here.
package datamodel

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

//go:generate go run gen.go -corpus ../../shared/car -o car.json

//go:embed car.json
var carJSON []byte

//go:embed additions.yaml
var additionsYAML []byte

// Object is a CAR data model object.
type Object struct {
	// Name is CAR's own spelling ("Process", "User Session").
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
	// Fields are CAR's fields, then cartrans's additions.
	Fields []string `json:"fields"`
	// Additions are the fields of Fields that are cartrans's, not CAR's.
	Additions []*Addition `json:"-"`
}

// Addition is a field cartrans adds to an object beside CAR's own.
type Addition struct {
	Name string `yaml:"name"`
	// Doc says what the field holds.
	Doc string `yaml:"doc"`
	// Sysmon names the Sysmon event field it is, and the events.
	Sysmon string `yaml:"sysmon"`
}

// ImplicitFields are carried by every event of every object, though the
// data model does not list them: the event's time, and the host it is
// from. CAR's analytics compare and join on them throughout.
var ImplicitFields = []string{"time", "hostname", "fqdn"}

// objects are decoded on first use, not at start-up. Both files are
// embedded and checked by the tests, so a fault in them is a build fault.
var objects = sync.OnceValue(func() []*Object {
	var list []*Object
	if err := json.Unmarshal(carJSON, &list); err != nil {
		panic("datamodel: embedded car.json is invalid: " + err.Error())
	}
	if err := addFields(list, "additions.yaml", additionsYAML); err != nil {
		panic("datamodel: embedded " + err.Error())
	}
	return list
})

// addFields adds the additions file's fields to the objects it names. An
// addition must name an existing object and a field CAR does not have
// (an addition never redefines CAR's own), in CAR's spelling.
func addFields(list []*Object, file string, data []byte) error {
	var doc []struct {
		Object string      `yaml:"object"`
		Fields []*Addition `yaml:"fields"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("%s: %v", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	for _, d := range doc {
		i := slices.IndexFunc(list, func(o *Object) bool { return o.Name == d.Object })
		if i < 0 {
			return fmt.Errorf("%s: object %q is not in CAR's data model", file, d.Object)
		}
		o := list[i]
		for _, a := range d.Fields {
			switch {
			case !isSnake(a.Name):
				return fmt.Errorf("%s: %s field %q is not lower case with underscores, as CAR's names are", file, o.Name, a.Name)
			case slices.Contains(o.Fields, a.Name):
				return fmt.Errorf("%s: %s already has the field %q", file, o.Name, a.Name)
			case a.Doc == "" || a.Sysmon == "":
				return fmt.Errorf("%s: %s field %q needs doc and sysmon, what it holds and where Sysmon records it", file, o.Name, a.Name)
			}
			o.Fields = append(o.Fields, a.Name)
			o.Additions = append(o.Additions, a)
		}
	}
	return nil
}

func isSnake(s string) bool {
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			return false
		}
	}
	return true
}

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

// Addition returns the field's addition when it is cartrans's, not CAR's.
func (o *Object) Addition(field string) (*Addition, bool) {
	for _, a := range o.Additions {
		if a.Name == field {
			return a, true
		}
	}
	return nil, false
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
