package native

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/cartrans/cartrans/datamodel"
	"github.com/cartrans/cartrans/internal/safefile"
	"github.com/cartrans/cartrans/internal/suggest"
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
	// LogFields is where a log event's own fields sit (winlogbeat:
	// winlog.event_data.), for the fields a bare condition reads by
	// their own name that the log section does not list; empty: at the
	// top, as the events name them.
	LogFields string `yaml:"log_fields"`

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
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &UnknownSchemaError{Name: nameOrFile}
	}
	if err != nil {
		return nil, err
	}
	return ParseSchema(nameOrFile, data)
}

// SchemaNames names the embedded schemas, in detection order.
func SchemaNames() []string {
	var names []string
	for _, s := range Schemas() {
		names = append(names, s.Name)
	}
	return names
}

// UnknownSchemaError is a schema name that is neither an embedded schema
// nor an existing file.
type UnknownSchemaError struct{ Name string }

func (e *UnknownSchemaError) Error() string {
	names := SchemaNames()
	msg := fmt.Sprintf("no schema %q: it is none of the schemas (%s), and no schema file of that name exists", e.Name, strings.Join(names, ", "))
	if near, ok := suggest.Closest(strings.ToLower(e.Name), names, 2); ok {
		msg += "; did you mean " + near + "?"
	}
	return msg
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

// Detect returns the embedded schema an event is read with: of those
// whose layout it has (their detect fields), the one whose mapping of the
// event's kind names the most of its fields, the first in detection order
// on a tie. The first layout present is not enough: a pipeline may keep
// one layout's fields beside its own, as HELK (Mordor's events) keeps
// Winlogbeat's winlog.event_id and winlog.channel while it renames the
// event's data to process_path and file_name, where the winlogbeat
// schema, tried first, would find none of the data and match nothing.
func Detect(fields map[string]string) *Schema {
	s, _ := detect(fields)
	return s
}

// detect is Detect, with the kinds (object/action) the event is under the
// schema found.
func detect(fields map[string]string) (*Schema, []string) {
	var best *Schema
	var bestActions []string
	bestFit := -1
	for _, s := range Schemas() {
		if !s.detects(fields) {
			continue
		}
		actions := s.actions(fields)
		if best == nil {
			best, bestActions = s, actions
			continue
		}
		// A second layout fits: weigh both (only now, so that the usual
		// event, of one layout, is not weighed at all).
		if bestFit < 0 {
			bestFit = best.fit(bestActions, fields)
		}
		if f := s.fit(actions, fields); f > bestFit {
			best, bestActions, bestFit = s, actions, f
		}
	}
	return best, bestActions
}

// fit counts the fields the schema maps for the event's kinds that the
// event carries (for its kind that maps the most).
func (s *Schema) fit(actions []string, fields map[string]string) int {
	most := 0
	for _, a := range actions {
		n := 0
		for _, m := range s.Events[a].Fields {
			if _, ok := fields[m.Field]; ok {
				n++
			}
		}
		most = max(most, n)
	}
	return most
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
