package native

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/cartrans/cartrans/datamodel"
	"github.com/cartrans/cartrans/internal/safefile"
	"github.com/cartrans/cartrans/profile"
)

// Schema says how the events of one log layout map to the CAR data model:
// for each object and action, the selector that finds its events and each
// CAR field's name there (a profile, the same data the query backends
// use, so a field means the same everywhere), and how to recognise such
// events and read their time.
type Schema struct {
	profile.Profile `yaml:",inline"`
	// Detect are fields every event of this layout carries.
	Detect []string `yaml:"detect"`
	// Time are the fields that may hold the event's time, the first
	// present wins.
	Time []string `yaml:"time"`
	// Paths are fields holding Windows paths whose doubled backslashes
	// are read as one (some exports double them).
	Paths []string `yaml:"paths"`

	once    sync.Once
	keys    []string            // the events' keys, sorted
	first   string              // the field every selector begins with
	byFirst map[string][]string // its lower-cased values -> event keys
}

//go:embed schemas/*.yaml
var schemaFS embed.FS

// schemaNames are the embedded schemas, in the order auto-detection tries
// them: the nested and specific layouts before the flat one.
var schemaNames = []string{"winlogbeat", "mordor", "sysmon"}

// Schemas returns the embedded schemas and the one for events already in
// CAR's field names ("car"), parsed on first use.
var Schemas = sync.OnceValue(func() []*Schema {
	var out []*Schema
	for _, name := range schemaNames {
		data, err := schemaFS.ReadFile("schemas/" + name + ".yaml")
		if err != nil {
			panic(err)
		}
		s, err := ParseSchema(name+".yaml", data)
		if err != nil {
			panic(err)
		}
		out = append(out, s)
	}
	return append(out, carSchema())
})

// FindSchema returns an embedded schema by name, or reads a schema file.
func FindSchema(nameOrFile string) (*Schema, error) {
	for _, s := range Schemas() {
		if s.Name == nameOrFile {
			return s, nil
		}
	}
	data, err := safefile.ReadFile(nameOrFile, profile.MaxFileSize, "a schema file", "a schema is a short YAML file, as a profile is")
	var tooLarge *safefile.TooLargeError
	if errors.As(err, &tooLarge) {
		return nil, err
	}
	if err != nil {
		var names []string
		for _, s := range Schemas() {
			names = append(names, s.Name)
		}
		return nil, fmt.Errorf("no schema %q (schemas: %s, or a schema file)", nameOrFile, strings.Join(names, ", "))
	}
	return ParseSchema(nameOrFile, data)
}

// ParseSchema reads a schema from YAML.
func ParseSchema(file string, data []byte) (*Schema, error) {
	var s Schema
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("%s: %v", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	s.File = file
	if len(s.Detect) == 0 {
		return nil, fmt.Errorf("%s: a schema needs detect, the fields its events always carry", file)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &s, nil
}

// carSchema reads events that already carry CAR's names: an "object" and
// an "action" field, and the data model's fields as they are.
func carSchema() *Schema {
	s := &Schema{Detect: []string{"object", "action"}, Time: []string{"time", "timestamp", "@timestamp"}}
	s.Name, s.Backend, s.File = "car", "native", "car"
	s.Description = "events in CAR's own field names, with object and action fields"
	s.Events = map[string]*profile.Event{}
	for _, o := range datamodel.Objects() {
		fields := map[string]profile.FieldMap{}
		for _, f := range o.Fields {
			fields[f] = profile.FieldMap{Field: f}
		}
		for _, a := range o.Actions {
			s.Events[profile.Key(o.ID(), a)] = &profile.Event{
				Selector: []profile.Term{{Field: "object", Values: []string{o.ID()}}, {Field: "action", Values: []string{a}}},
				Fields:   fields,
			}
		}
	}
	return s
}

// detects reports whether an event carries every field of the layout.
func (s *Schema) detects(fields map[string]string) bool {
	for _, f := range s.Detect {
		if _, ok := fields[f]; !ok {
			return false
		}
	}
	return true
}

// Detect returns the first embedded schema whose layout the event has.
func Detect(fields map[string]string) *Schema {
	for _, s := range Schemas() {
		if s.detects(fields) {
			return s
		}
	}
	return nil
}

// normalise reads the schema's path fields with single separators,
// keeping a leading "\\" (a UNC path).
func (s *Schema) normalise(fields map[string]string) {
	for _, f := range s.Paths {
		v, ok := fields[f]
		if !ok || !strings.Contains(v, `\\`) {
			continue
		}
		lead := ""
		if strings.HasPrefix(v, `\\`) {
			lead, v = `\\`, strings.TrimLeft(v, `\`)
		}
		for strings.Contains(v, `\\`) {
			v = strings.ReplaceAll(v, `\\`, `\`)
		}
		fields[f] = lead + v
	}
}

// actions lists the objects and actions an event is, by the selectors.
// When every selector begins with the same field (EventID), only the
// events whose first value the event has are tried.
func (s *Schema) actions(fields map[string]string) []string {
	s.once.Do(s.indexSelectors)
	keys := s.keys
	if s.first != "" {
		v, ok := fields[s.first]
		if !ok {
			return nil
		}
		keys = s.byFirst[strings.ToLower(v)]
	}
	var out []string
	for _, key := range keys {
		if selects(s.Events[key].Selector, fields) {
			out = append(out, key)
		}
	}
	return out
}

// indexSelectors sorts the schema's events and indexes them by the value
// of their selectors' first field, when they share it.
func (s *Schema) indexSelectors() {
	s.keys = slices.Sorted(maps.Keys(s.Events))
	first := ""
	for _, k := range s.keys {
		sel := s.Events[k].Selector
		if len(sel) == 0 || sel[0].Field == "" || first != "" && sel[0].Field != first {
			return
		}
		first = sel[0].Field
	}
	s.byFirst = map[string][]string{}
	for _, k := range s.keys {
		for _, v := range s.Events[k].Selector[0].Values {
			lv := strings.ToLower(v)
			s.byFirst[lv] = append(s.byFirst[lv], k)
		}
	}
	s.first = first
}

// selects reports whether every selector term holds: the field equals one
// of the values, ignoring case.
func selects(terms []profile.Term, fields map[string]string) bool {
	for _, t := range terms {
		v, ok := fields[t.Field]
		if !ok {
			return false
		}
		if !slices.ContainsFunc(t.Values, func(w string) bool { return strings.EqualFold(v, w) }) {
			return false
		}
	}
	return true
}
