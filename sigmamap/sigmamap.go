// Package sigmamap is the mapping from Sigma's names to CAR's, as data: a
// Sigma rule's logsource to a CAR data model object and actions (or to a
// Windows event log, for the log services), and each Sigma field to a CAR
// field. The default mapping, windows.yaml, is embedded; Load reads one of
// the same form from disk. What the mapping cannot say (a logsource with
// no object, a field with no CAR field) and what a backend's profile does
// not map is refused by Check, per rule and per backend, with the reason:
// a Sigma name is never passed through as if it were a CAR one.
// docs/design/sigma.md, "Mapping", describes it.
package sigmamap

import (
	"bytes"
	_ "embed"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/cartrans/cartrans/datamodel"
	"github.com/cartrans/cartrans/diag"
	"github.com/cartrans/cartrans/internal/safefile"
	"github.com/cartrans/cartrans/profile"
	"github.com/cartrans/cartrans/sigma"
)

//go:embed windows.yaml
var windowsYAML []byte

// MaxFileSize bounds a mapping file: the embedded one is about 10 KiB.
const MaxFileSize = 1 << 20

// Map is a mapping file's entries.
type Map struct {
	File    string
	Sources []*Source
	// byKey finds a source by its product, category and service (see
	// key), built by Parse.
	byKey map[string]*Source
}

// key joins a logsource's product, category and service, lower-cased as
// Sigma writes them.
func key(product, category, service string) string {
	return string(appendKey(nil, product, category, service))
}

// appendKey appends key's text to b.
func appendKey(b []byte, product, category, service string) []byte {
	b = append(b, strings.ToLower(product)...)
	b = append(append(b, 0), strings.ToLower(category)...)
	return append(append(b, 0), strings.ToLower(service)...)
}

// Source is one logsource's entry: exactly one of Object (with Actions),
// Log or Refuse is set.
type Source struct {
	Product, Category, Service string
	// Object is the CAR object's ID ("process") and Actions its actions.
	Object  string
	Actions []string
	// Log is the Windows event log (Channel) of a log service; Logs the
	// others, when the taxonomy names several channels for it (ps_script:
	// Windows PowerShell's and PowerShell Core's). EventIDs, when set,
	// are the events of the log the logsource is (ps_script: 4104).
	Log      string
	Logs     []string
	EventIDs []int
	// AsWritten makes every field a log field of its own name, besides
	// those Fields lists: a Windows log's events name their fields, and
	// Sigma's rules use those names (taxonomy appendix, "Windows
	// Folder"); a profile still maps each log field or refuses it.
	AsWritten bool
	// Refuse says why the logsource cannot be mapped.
	Refuse string
	// Fields maps Sigma field names to CAR's (the object's fields) or,
	// for a Log, to the profiles' log field names.
	Fields map[string]string
	Pos    diag.Pos
}

// String names the logsource as a rule writes it.
func (s *Source) String() string {
	return sigma.LogSource{Product: s.Product, Category: s.Category, Service: s.Service}.String()
}

// Default is the embedded mapping, read once.
var Default = sync.OnceValue(func() *Map {
	m, err := Parse("sigmamap/windows.yaml", windowsYAML)
	if err != nil {
		panic("sigmamap: embedded mapping is invalid: " + err.Error())
	}
	return m
})

// Load reads a mapping file, at most MaxFileSize bytes.
func Load(file string) (*Map, error) {
	data, err := safefile.ReadFile(file, MaxFileSize, "a Sigma mapping file", "a mapping is a short YAML file; split it if it is not")
	if err != nil {
		return nil, err
	}
	return Parse(file, data)
}

// entry is a Source as written.
type entry struct {
	LogSource struct {
		Product  string `yaml:"product"`
		Category string `yaml:"category"`
		Service  string `yaml:"service"`
	} `yaml:"logsource"`
	Object  string            `yaml:"object"`
	Actions []string          `yaml:"actions"`
	Log     string            `yaml:"log"`
	Logs    []string          `yaml:"logs"`
	Events  []int             `yaml:"event_ids"`
	Written bool              `yaml:"fields_as_written"`
	Refuse  string            `yaml:"refuse"`
	Fields  map[string]string `yaml:"fields"`
}

// Parse reads a mapping, checking every entry against the data model; an
// error names the file and the line.
func Parse(file string, data []byte) (*Map, error) {
	fail := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", file, line, fmt.Sprintf(format, args...))
	}
	var entries []entry
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&entries); err != nil {
		// yaml.v3 says "yaml: line N: …"; give file:N: as the rest of
		// cartrans does.
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if rest, ok := strings.CutPrefix(msg, "unmarshal errors:\n  "); ok {
			msg = rest
		}
		var line int
		if n, _ := fmt.Sscanf(msg, "line %d:", &line); n == 1 {
			return nil, fail(line, "%s", strings.TrimSpace(msg[strings.Index(msg, ":")+1:]))
		}
		return nil, fmt.Errorf("%s: %s", file, msg)
	}
	// The node tree gives each entry's line, which the decoded structs
	// do not keep.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil || len(root.Content) == 0 || len(root.Content[0].Content) != len(entries) {
		return nil, fmt.Errorf("%s: not a list of logsource entries", file)
	}
	m := &Map{File: file, byKey: map[string]*Source{}}
	seen := map[string]int{}
	for i, e := range entries {
		line := root.Content[0].Content[i].Line
		s := &Source{Product: e.LogSource.Product, Category: e.LogSource.Category, Service: e.LogSource.Service,
			Object: e.Object, Actions: e.Actions, Log: e.Log, Refuse: e.Refuse, Fields: e.Fields,
			Logs: e.Logs, EventIDs: e.Events, AsWritten: e.Written,
			Pos: diag.Pos{File: file, Line: line, Col: root.Content[0].Content[i].Column}}
		if s.Product == "" && s.Category == "" && s.Service == "" {
			return nil, fail(line, "an entry needs a logsource: product, category or service")
		}
		if prev, ok := seen[s.String()]; ok {
			return nil, fail(line, "logsource %s is mapped twice (first on line %d)", s, prev)
		}
		seen[s.String()] = line
		if s.Log == "" && (len(s.Logs) > 0 || len(s.EventIDs) > 0 || s.AsWritten) {
			return nil, fail(line, "logsource %s: logs, event_ids and fields_as_written go with a log", s)
		}
		kinds := 0
		for _, set := range []bool{s.Object != "", s.Log != "", s.Refuse != ""} {
			if set {
				kinds++
			}
		}
		if kinds != 1 {
			return nil, fail(line, "logsource %s: give exactly one of object (with actions), log or refuse", s)
		}
		switch {
		case s.Object != "":
			o, ok := datamodel.Lookup(s.Object)
			if !ok {
				return nil, fail(line, "logsource %s: %q is not a CAR data model object (%s)", s, s.Object, strings.Join(datamodel.Names(), ", "))
			}
			s.Object = o.ID()
			if len(s.Actions) == 0 {
				return nil, fail(line, "logsource %s: object %s needs its actions", s, o.Name)
			}
			for j, a := range s.Actions {
				act, ok := o.Action(a)
				if !ok {
					return nil, fail(line, "logsource %s: %s has no action %q (%s)", s, o.Name, a, strings.Join(o.Actions, ", "))
				}
				s.Actions[j] = act
			}
			for _, sf := range slices.Sorted(maps.Keys(s.Fields)) {
				if !o.HasField(s.Fields[sf]) {
					return nil, fail(line, "logsource %s: field %s maps to %q, which %s does not have", s, sf, s.Fields[sf], o.Name)
				}
			}
		case s.Log != "":
			if len(s.Actions) > 0 {
				return nil, fail(line, "logsource %s: a log has no actions", s)
			}
			if slices.Contains(s.Logs, s.Log) {
				return nil, fail(line, "logsource %s: log %q is given twice", s, s.Log)
			}
		default:
			if len(s.Actions) > 0 || len(s.Fields) > 0 {
				return nil, fail(line, "logsource %s: a refused logsource has no actions or fields", s)
			}
		}
		for sf, cf := range s.Fields {
			if sf == "" || cf == "" {
				return nil, fail(line, "logsource %s: a field mapping with an empty name", s)
			}
		}
		m.Sources = append(m.Sources, s)
		m.byKey[key(s.Product, s.Category, s.Service)] = s
	}
	return m, nil
}

// Lookup finds the entry of a rule's logsource: its product, category
// and service, each as written or absent, in any case (Sigma's are lower
// case). A logsource the mapping refuses, or does not list, is an error
// saying so.
func (m *Map) Lookup(ls sigma.LogSource) (*Source, error) {
	// key's text built on the stack: a lookup per rule and target
	// allocates nothing.
	var buf [64]byte
	if s, ok := m.byKey[string(appendKey(buf[:0], ls.Product, ls.Category, ls.Service))]; ok {
		if s.Refuse != "" {
			return nil, &Refusal{Pos: ls.Pos, Kind: KindRefusedLogSource, Reason: fmt.Sprintf("logsource %s is not mapped: %s (%s)", s, s.Refuse, s.Pos)}
		}
		return s, nil
	}
	want := sigma.LogSource{Product: strings.ToLower(ls.Product), Category: strings.ToLower(ls.Category), Service: strings.ToLower(ls.Service)}.String()
	return nil, &Refusal{Pos: ls.Pos, Kind: KindNoLogSource, Reason: fmt.Sprintf("logsource %s has no entry in the Sigma mapping %s", want, m.File)}
}

// The kinds of refusal, for summaries.
const (
	KindNoLogSource      = "logsource not in the Sigma mapping"
	KindRefusedLogSource = "logsource without a CAR object"
	KindNoCARField       = "Sigma field without a CAR field"
	KindUnmappedEvent    = "CAR event the profile does not map"
	KindUnmappedField    = "CAR field the profile does not map"
	KindNotDetection     = "not a detection rule"
)

// Refusal is a reason a rule cannot be translated with a profile.
type Refusal struct {
	Pos    diag.Pos
	Kind   string
	Reason string
}

func (r *Refusal) Error() string { return r.Pos.String() + ": " + r.Reason }

// Category is the refusal's kind (backends.Category reads it).
func (r *Refusal) Category() string { return r.Kind }

// Field is the CAR field (or, for a log, the log field) a Sigma field is
// under this logsource, and false when the mapping gives none.
func (s *Source) Field(name string) (string, bool) {
	if f, ok := s.Fields[name]; ok {
		return f, true
	}
	if s.AsWritten && name != "" {
		return name, true
	}
	return "", false
}

// Channels are the logs (channels) of a log source.
func (s *Source) Channels() []string {
	if s.Log == "" {
		return nil
	}
	return append([]string{s.Log}, s.Logs...)
}

// FieldError is the refusal of a Sigma field the logsource's entry does
// not list.
func (s *Source) FieldError(pos diag.Pos, field string) *Refusal {
	return &Refusal{Pos: pos, Kind: KindNoCARField, Reason: fmt.Sprintf("Sigma field %s has no CAR field under logsource %s (the Sigma mapping %s)", field, s, s.Pos)}
}

// Check lists what keeps a rule from being translated with the profile:
// its logsource unmapped, a field it tests with no CAR field, or a CAR
// field (or event) the profile does not map. Every field is reported, not
// the first only. Keyword searches (no field) are the translator's
// matter, not the mapping's.
func (m *Map) Check(r *sigma.Rule, p *profile.Profile) []*Refusal {
	if r.Detection == nil {
		return []*Refusal{{r.Pos, KindNotDetection, fmt.Sprintf("a %s rule is not a detection rule", r.Kind)}}
	}
	s, err := m.Lookup(r.LogSource)
	if err != nil {
		return []*Refusal{err.(*Refusal)}
	}
	var out []*Refusal
	var events []*profile.Event
	for _, a := range s.Actions {
		ev, ok := p.Event(s.Object, a)
		if !ok {
			out = append(out, &Refusal{r.LogSource.Pos, KindUnmappedEvent, fmt.Sprintf("profile %s (%s) maps no %s/%s events, which logsource %s is", p.Name, p.Backend, s.Object, a, s)})
			continue
		}
		events = append(events, ev)
	}
	if len(out) > 0 {
		return out
	}
	done := map[string]bool{}
	for _, srch := range r.Detection.Searches {
		for _, g := range srch.Groups {
			for _, it := range g.Items {
				if it.Field == "" || done[it.Field] {
					continue
				}
				done[it.Field] = true
				if ref := s.refuseField(it.Pos, it.Field, p, events); ref != nil {
					out = append(out, ref)
				}
			}
		}
	}
	return out
}

// refuseField says why the Sigma field cannot be used with the profile,
// or nil when it can.
func (s *Source) refuseField(pos diag.Pos, field string, p *profile.Profile, events []*profile.Event) *Refusal {
	car, ok := s.Field(field)
	if !ok {
		return s.FieldError(pos, field)
	}
	if s.Log != "" {
		if _, ok := p.Log[car]; !ok {
			return &Refusal{pos, KindUnmappedField, fmt.Sprintf("Sigma field %s is the log field %s, which profile %s (%s) does not map", field, car, p.Name, p.Backend)}
		}
		return nil
	}
	// A logsource of several actions (registry_event) has fields only
	// some of its events carry (Details, of value edits only): a field
	// absent from an event does not match there, as in Sigma, so one
	// event mapping it is enough.
	for _, ev := range events {
		if _, ok := ev.Fields[car]; ok {
			return nil
		}
	}
	return &Refusal{pos, KindUnmappedField, fmt.Sprintf("Sigma field %s is CAR's %s.%s, which profile %s (%s) does not map for %s events", field, s.Object, car, p.Name, p.Backend, s.Object+"/"+strings.Join(s.Actions, ", "+s.Object+"/"))}
}
