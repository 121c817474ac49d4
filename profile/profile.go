// Package profile holds schema profiles: for one backend and one way of
// collecting events (Sysmon into Splunk, the Endgame schema, ECS…), how a
// data model object and action are selected, what each CAR field is called
// there, and how its values map. Profiles are data (YAML files embedded in
// the backends, or loaded with --profile FILE); mapping is strict: a field
// or event a profile does not map is an error, never passed through.
package profile

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"
)

// Profile is one schema profile.
type Profile struct {
	Name    string `yaml:"name"`
	Backend string `yaml:"backend"`
	// Dialect picks a variant of the backend's language, for a backend
	// that has several (EQL: "" for Endgame, "elasticsearch").
	Dialect     string `yaml:"dialect"`
	Description string `yaml:"description"`
	// Settings are values a query may name, as {name}, overridable with
	// --set (the Splunk index, say).
	Settings map[string]string `yaml:"settings"`
	// Prefix starts every query (with settings substituted).
	Prefix string `yaml:"prefix"`
	// Events maps "object/action" to how such events are found.
	Events map[string]*Event `yaml:"events"`
	// Log maps the fields of bare conditions, which are over raw log
	// events ([event_code] == 4624), to this schema's names.
	Log map[string]FieldMap `yaml:"log"`
	// LogSelector selects the raw log events a bare condition is over.
	LogSelector []Term `yaml:"log_selector"`

	// File is where the profile was read from, for messages.
	File string `yaml:"-"`
}

// Event is how one data model object and action appear in the schema.
type Event struct {
	// Category is the event category some languages name before the
	// condition (EQL's "process where …").
	Category string `yaml:"category"`
	// Selector are the terms that select these events, ANDed.
	Selector []Term `yaml:"selector"`
	// Fields maps CAR field names to the schema's.
	Fields map[string]FieldMap `yaml:"fields"`
	// Present lists CAR fields every such event carries, so that a
	// negation need not also test that the field exists.
	Present []string `yaml:"present"`
	// Suffix ends a query over these events (Splunk's tstats "by …").
	Suffix string `yaml:"suffix"`
	// Prefix, when set, replaces the profile's prefix for these events:
	// they are kept elsewhere (Zeek's logs in their own Splunk index).
	Prefix string `yaml:"prefix"`
}

// PrefixOf is the prefix of a query over events of ev, settings
// substituted.
func (p *Profile) PrefixOf(ev *Event) string {
	if ev != nil && ev.Prefix != "" {
		return strings.TrimSpace(p.Expand(ev.Prefix))
	}
	return strings.TrimSpace(p.Expand(p.Prefix))
}

// Term is one selector condition: the field equals one of the values.
type Term struct {
	Field  string   `yaml:"field"`
	Values []string `yaml:"values"`
	// Flag is a language-specific selector written as is (EQL's
	// subtype.create), for the backends that declare they take one.
	Flag string `yaml:"flag"`
}

// Transform says how a CAR value becomes a value of the schema's field.
type Transform string

const (
	// Same: the value is the same.
	Same Transform = ""
	// BaseName: the CAR field is the base name of the path the schema
	// field holds (CAR's exe against Sysmon's Image): the schema value
	// ends in a path separator and the CAR value.
	BaseName Transform = "basename"
	// HostName: the CAR field is the first label of the host name the
	// schema field holds (CAR's hostname against a fully qualified
	// Computer): the schema value is the CAR value, or it followed by a
	// dot and more.
	HostName Transform = "hostname"
	// DirName: the CAR field is the path the schema field holds without
	// its last part (CAR's registry key against Sysmon's TargetObject,
	// which ends in the value's name).
	DirName Transform = "dirname"
	// Extension: the CAR field is the extension of the file name the
	// schema field holds (".bat" or "bat"): the schema value ends in it.
	Extension Transform = "extension"
)

// FieldMap maps one CAR field: to a schema field, with a transform. In
// YAML it is written "Image" or {field: Image, transform: basename}.
type FieldMap struct {
	Field     string    `yaml:"field"`
	Transform Transform `yaml:"transform"`
}

// UnmarshalYAML accepts the short form, a bare field name.
func (m *FieldMap) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		m.Field = n.Value
		return nil
	}
	type plain FieldMap
	return n.Decode((*plain)(m))
}

// Key is the key of an object and action in Events.
func Key(object, action string) string { return object + "/" + action }

// Parse reads a profile from YAML and validates it.
func Parse(file string, data []byte) (*Profile, error) {
	var p Profile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %v", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	p.File = file
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	return &p, nil
}

// Load reads a profile file.
func Load(file string) (*Profile, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(file, data)
}

var transforms = []Transform{Same, BaseName, HostName, DirName, Extension}

// Validate checks a profile as Parse does, for one built otherwise.
func (p *Profile) Validate() error {
	if err := p.validate(); err != nil {
		return fmt.Errorf("%s: %v", p.File, err)
	}
	return nil
}

func (p *Profile) validate() error {
	if p.Name == "" || p.Backend == "" {
		return fmt.Errorf("a profile needs a name and a backend")
	}
	check := func(where string, fields map[string]FieldMap) error {
		for car, m := range fields {
			if m.Field == "" {
				return fmt.Errorf("%s: field %s maps to nothing", where, car)
			}
			if strings.ContainsFunc(m.Field, unicode.IsControl) {
				return fmt.Errorf("%s: field %s maps to a name with a control character (%q)", where, car, m.Field)
			}
			if !slices.Contains(transforms, m.Transform) {
				return fmt.Errorf("%s: field %s: unknown transform %q (known: basename, dirname, extension, hostname)", where, car, m.Transform)
			}
		}
		return nil
	}
	// A selector term is a field and its values, or a flag: a term with
	// neither would select nothing a backend could write.
	terms := func(where string, sel []Term) error {
		for i, t := range sel {
			for _, v := range append([]string{t.Field, t.Flag}, t.Values...) {
				if strings.ContainsFunc(v, unicode.IsControl) {
					return fmt.Errorf("%s: selector term %d holds a control character (%q)", where, i+1, v)
				}
			}
			switch {
			case t.Flag != "" && (t.Field != "" || len(t.Values) > 0):
				return fmt.Errorf("%s: selector term %d has a flag and a field; give one", where, i+1)
			case t.Flag == "" && (t.Field == "" || len(t.Values) == 0):
				return fmt.Errorf("%s: selector term %d needs a field and its values, or a flag", where, i+1)
			}
		}
		return nil
	}
	for k, v := range p.Settings {
		if err := CheckSetting(k, v); err != nil {
			return err
		}
	}
	for key, ev := range p.Events {
		if ev == nil {
			return fmt.Errorf("event %s is empty", key)
		}
		if strings.Count(key, "/") != 1 {
			return fmt.Errorf("event key %q is not object/action", key)
		}
		if err := check("event "+key, ev.Fields); err != nil {
			return err
		}
		if err := terms("event "+key, ev.Selector); err != nil {
			return err
		}
	}
	if err := terms("log_selector", p.LogSelector); err != nil {
		return err
	}
	return check("log", p.Log)
}

var settingRE = regexp.MustCompile(`^[A-Za-z0-9_.:*/-]+$`)

// CheckSetting says whether a value can be a setting. A setting is put
// into queries as it is (index={index}), so it must be one word: a space,
// quote or pipe would let it end its term and add others.
func CheckSetting(name, value string) error {
	if !settingRE.MatchString(value) {
		return fmt.Errorf("setting %s=%q: a setting is one word of letters, digits and _ - . : * /", name, value)
	}
	return nil
}

// With returns a copy of the profile with settings overridden.
func (p *Profile) With(settings map[string]string) (*Profile, error) {
	q := *p
	q.Settings = maps.Clone(p.Settings)
	for k, v := range settings {
		if _, ok := p.Settings[k]; !ok {
			return nil, fmt.Errorf("profile %s has no setting %q (its settings: %s)", p.Name, k, strings.Join(slices.Sorted(maps.Keys(p.Settings)), ", "))
		}
		if err := CheckSetting(k, v); err != nil {
			return nil, err
		}
		q.Settings[k] = v
	}
	return &q, nil
}

// Expand substitutes {setting} in a template.
func (p *Profile) Expand(template string) string {
	for k, v := range p.Settings {
		template = strings.ReplaceAll(template, "{"+k+"}", v)
	}
	return template
}

// Event returns how an object and action appear, or false when the
// profile does not map them. An action of "*" is not an event: callers
// expand it to the object's actions.
func (p *Profile) Event(object, action string) (*Event, bool) {
	ev, ok := p.Events[Key(object, action)]
	return ev, ok
}

// Actions lists the actions of an object the profile maps, sorted.
func (p *Profile) Actions(object string) []string {
	var out []string
	for key := range p.Events {
		if o, a, _ := strings.Cut(key, "/"); o == object {
			out = append(out, a)
		}
	}
	slices.Sort(out)
	return out
}
