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
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/cartrans/cartrans/internal/safefile"
)

// Every text field of a profile carries a check tag naming its kind (and a
// map a key tag, for its keys): Parse checks each value by its kind's rule
// (kinds, below), and a field without a tag is an error, so that a new
// field cannot reach a query unchecked. A profile is data a user may be
// handed: what goes into a query verbatim must not be able to end its
// term and add others.

// Profile is one schema profile.
type Profile struct {
	Name    string `yaml:"name" check:"text"`
	Backend string `yaml:"backend" check:"text"`
	// Dialect picks a variant of the backend's language, for a backend
	// that has several (EQL: "" for Endgame, "elasticsearch").
	Dialect     string `yaml:"dialect" check:"text"`
	Description string `yaml:"description" check:"text"`
	// Settings are values a query may name, as {name}, overridable with
	// --set (the Splunk index, say).
	Settings map[string]string `yaml:"settings" check:"setting" key:"name"`
	// Prefix starts every query (with settings substituted): search terms
	// name=value, each value one word or a {setting}.
	Prefix string `yaml:"prefix" check:"prefix"`
	// Events maps "object/action" to how such events are found.
	Events map[string]*Event `yaml:"events" check:"" key:"event"`
	// Log maps the fields of bare conditions, which are over raw log
	// events ([event_code] == 4624), to this schema's names.
	Log map[string]FieldMap `yaml:"log" check:"" key:"text"`
	// LogSelector selects the raw log events a bare condition is over.
	LogSelector []Term `yaml:"log_selector" check:""`

	// File is where the profile was read from, for messages.
	File string `yaml:"-" check:"-"`
}

// Event is how one data model object and action appear in the schema.
type Event struct {
	// Category is the event category some languages name before the
	// condition (EQL's "process where …", Splunk's CIM dataset).
	Category string `yaml:"category" check:"category"`
	// Selector are the terms that select these events, ANDed.
	Selector []Term `yaml:"selector" check:""`
	// Fields maps CAR field names to the schema's.
	Fields map[string]FieldMap `yaml:"fields" check:"" key:"text"`
	// Present lists CAR fields every such event carries, so that a
	// negation need not also test that the field exists.
	Present []string `yaml:"present" check:"text"`
	// By are the fields a summary query over these events keeps (Splunk's
	// tstats "by …").
	By []string `yaml:"by" check:"field"`
	// Prefix, when set, replaces the profile's prefix for these events:
	// they are kept elsewhere (Zeek's logs in their own Splunk index).
	Prefix string `yaml:"prefix" check:"prefix"`
}

// PrefixTerms are the terms of the prefix of a query over events of ev,
// settings substituted: each a field and the values it may have, without
// repeats. A term's value is a list (index={security_index},{system_index})
// and a setting a prefix names may be one too (--set
// security_index=wineventlog,main): the events are kept in any of them,
// and the backend writes the alternatives in its own syntax.
func (p *Profile) PrefixTerms(ev *Event) []Term {
	prefix := p.Prefix
	if ev != nil && ev.Prefix != "" {
		prefix = ev.Prefix
	}
	var out []Term
	for _, t := range strings.Fields(prefix) {
		field, value, _ := strings.Cut(t, "=")
		var values []string
		for _, item := range strings.Split(value, ",") {
			if name, ok := strings.CutPrefix(item, "{"); ok {
				item = p.Settings[strings.TrimSuffix(name, "}")]
			}
			for _, v := range strings.Split(item, ",") {
				if !slices.Contains(values, v) {
					values = append(values, v)
				}
			}
		}
		out = append(out, Term{Field: field, Values: values})
	}
	return out
}

// Term is one selector condition: the field equals one of the values.
type Term struct {
	Field  string   `yaml:"field" check:"field"`
	Values []string `yaml:"values" check:"value"`
	// Flag is a language-specific selector written as is (EQL's
	// subtype.create), for the backends that declare they take one.
	Flag string `yaml:"flag" check:"flag"`
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
	Field     string    `yaml:"field" check:"field"`
	Transform Transform `yaml:"transform" check:"transform"`
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

// MaxFileSize bounds a profile file (and a native schema file, which is a
// profile): the largest embedded one is about 12 KiB.
const MaxFileSize = 1 << 20

// Load reads a profile file, at most MaxFileSize bytes.
func Load(file string) (*Profile, error) {
	data, err := safefile.ReadFile(file, MaxFileSize, "a profile file", "a profile is a short YAML file; split it if it is not")
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
	if err := p.checkKinds(reflect.ValueOf(p).Elem()); err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(p.Settings)) {
		if err := p.checkSetting(k, p.Settings[k]); err != nil {
			return fmt.Errorf("settings.%s: %q: %v", k, p.Settings[k], err)
		}
	}
	check := func(where string, fields map[string]FieldMap) error {
		for car, m := range fields {
			if m.Field == "" {
				return fmt.Errorf("%s: field %s maps to nothing", where, car)
			}
		}
		return nil
	}
	// A selector term is a field and its values, or a flag: a term with
	// neither would select nothing a backend could write.
	terms := func(where string, sel []Term) error {
		for i, t := range sel {
			switch {
			case t.Flag != "" && (t.Field != "" || len(t.Values) > 0):
				return fmt.Errorf("%s: selector term %d has a flag and a field; give one", where, i+1)
			case t.Flag == "" && (t.Field == "" || len(t.Values) == 0):
				return fmt.Errorf("%s: selector term %d needs a field and its values, or a flag", where, i+1)
			}
		}
		return nil
	}
	for key, ev := range p.Events {
		if ev == nil {
			return fmt.Errorf("event %s is empty", key)
		}
		if err := check("event "+key, ev.Fields); err != nil {
			return err
		}
		if err := terms("event "+key, ev.Selector); err != nil {
			return err
		}
		// A promise of presence is about a field the event maps: the
		// native engine checks each against the events it reads.
		for _, f := range ev.Present {
			if _, ok := ev.Fields[f]; !ok {
				return fmt.Errorf("event %s: present lists %s, which is not one of its fields", key, f)
			}
		}
	}
	if err := terms("log_selector", p.LogSelector); err != nil {
		return err
	}
	return check("log", p.Log)
}

var (
	settingRE = regexp.MustCompile(`^[A-Za-z0-9_.:*/-]+$`)
	nameRE    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	dottedRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$`)
	// A prefix term: a field, =, and a list of words and {settings}
	// separated by commas.
	prefixTerm = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*=(` + prefixItem + `)(,(` + prefixItem + `))*$`)
	settingRef = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)
	prefixItem = `\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z0-9_.:*/-]+`
)

// kinds are the rules of each kind of profile text, by the check tag of
// its fields. A field, value or word written into a query verbatim gets a
// closed alphabet; a value a backend quotes (a field name, a selector
// value) may hold no control character, which some languages' literals
// cannot hold and no reader sees.
var kinds = map[string]rule{
	// text is never written into a query (names, descriptions, CAR's
	// field names): it may hold line breaks and tabs, no other control.
	"text": func(_ *Profile, s string) error {
		if firstControl(s) < 0 {
			return nil
		}
		return noControl(strings.NewReplacer("\n", "", "\t", "").Replace(s))
	},
	"name": func(_ *Profile, s string) error {
		if !nameRE.MatchString(s) {
			return fmt.Errorf("a name is letters, digits and _, not starting with a digit")
		}
		return nil
	},
	"event": func(_ *Profile, s string) error {
		if strings.Count(s, "/") != 1 {
			return fmt.Errorf("an event key is object/action")
		}
		return noControl(s)
	},
	// A setting is checked as a list of words here, and as its own kind
	// (one word, unless a prefix names it) by validate, which knows its
	// name.
	"setting": func(_ *Profile, s string) error { return checkWords(s) },
	// A prefix is search terms (index={index} sourcetype=x): each value
	// one word or a setting, which is one word too.
	"prefix": func(p *Profile, s string) error {
		if s == "" {
			return nil
		}
		for _, t := range strings.Split(s, " ") {
			if !prefixTerm.MatchString(t) {
				return fmt.Errorf("a prefix is search terms name=value separated by one space, each value one word (letters, digits and _ - . : * /) or a {setting}, or several separated by commas")
			}
			for _, m := range settingRef.FindAllStringSubmatch(t, -1) {
				if _, ok := p.Settings[m[1]]; !ok {
					return fmt.Errorf("{%s} is not a setting of the profile", m[1])
				}
			}
		}
		return nil
	},
	"category": func(_ *Profile, s string) error {
		if s != "" && !dottedRE.MatchString(s) {
			return fmt.Errorf("a category is a name (letters, digits and _), or names joined by dots")
		}
		return nil
	},
	"flag": func(_ *Profile, s string) error {
		if s != "" && !dottedRE.MatchString(s) {
			return fmt.Errorf("a selector flag is a field path: names of letters, digits and _ joined by dots")
		}
		return nil
	},
	"field": func(_ *Profile, s string) error { return noControl(s) },
	"value": func(_ *Profile, s string) error { return noControl(s) },
	"transform": func(_ *Profile, s string) error {
		if !slices.Contains(transforms, Transform(s)) {
			return fmt.Errorf("unknown transform (known: basename, dirname, extension, hostname)")
		}
		return nil
	},
}

// firstControl is the offset of the first control character of s, or -1.
func firstControl(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return i
		} else if c >= utf8.RuneSelf {
			if j := strings.IndexFunc(s[i:], IsControl); j >= 0 {
				return i + j
			}
			return -1
		}
	}
	return -1
}

// IsControl reports a character no query may hold raw: a control
// character (C0, DEL, C1), a line or paragraph separator (U+2028, U+2029),
// or an invisible format character (a bidirectional override, say). A
// backend escapes it where its language says how, or refuses the value.
func IsControl(r rune) bool {
	if r < utf8.RuneSelf {
		return r < 0x20 || r == 0x7f // most text, without the tables
	}
	return unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Cf)
}

func noControl(s string) error {
	if i := firstControl(s); i >= 0 {
		r := []rune(s[i:])[0]
		return fmt.Errorf("it holds the control character %U, which a query cannot hold", r)
	}
	return nil
}

func checkWord(s string) error {
	if !settingRE.MatchString(s) {
		return fmt.Errorf("a setting is one word of letters, digits and _ - . : * /")
	}
	return nil
}

// checkWords checks a list of words separated by commas, each one as
// checkWord does: the value of a setting a prefix names.
func checkWords(s string) error {
	for _, w := range strings.Split(s, ",") {
		if !settingRE.MatchString(w) {
			return fmt.Errorf("a setting is one word of letters, digits and _ - . : * / (one a prefix names, such as an index, may be several separated by commas)")
		}
	}
	return nil
}

// listSetting reports a setting a prefix names: a prefix term's value may
// be a list, so such a setting may be a list of words; any other setting
// goes into a query as one word (tstats summariesonly=…, DNIF's limit).
func (p *Profile) listSetting(name string) bool {
	ref := "{" + name + "}"
	if strings.Contains(p.Prefix, ref) {
		return true
	}
	for _, ev := range p.Events {
		if ev != nil && strings.Contains(ev.Prefix, ref) {
			return true
		}
	}
	return false
}

// checkSetting checks a setting's value as its kind.
func (p *Profile) checkSetting(name, value string) error {
	if p.listSetting(name) {
		return checkWords(value)
	}
	return checkWord(value)
}

// fieldPlan is one field of a profile type: its YAML name, the kind its
// values are checked as, and for a map the kind of its keys.
type fieldPlan struct {
	index     int
	name      string
	rule, key rule // nil for a field of fields (a struct, a list or map of them)
}

type rule = func(p *Profile, s string) error

// plans caches each profile type's fields (reflect.Type -> []fieldPlan):
// the embedded profiles are checked in every run.
var plans sync.Map

func planOf(t reflect.Type) ([]fieldPlan, error) {
	if v, ok := plans.Load(t); ok {
		return v.([]fieldPlan), nil
	}
	var out []fieldPlan
	for i := range t.NumField() {
		f := t.Field(i)
		kind, ok := f.Tag.Lookup("check")
		if !ok {
			return nil, fmt.Errorf("internal error: profile field %s.%s has no check kind", t.Name(), f.Name)
		}
		if kind == "-" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		fp := fieldPlan{index: i, name: name}
		for _, k := range []struct {
			kind string
			to   *rule
		}{{kind, &fp.rule}, {f.Tag.Get("key"), &fp.key}} {
			if k.kind == "" {
				continue
			}
			r, ok := kinds[k.kind]
			if !ok {
				return nil, fmt.Errorf("internal error: profile field %s.%s: unknown check kind %q", t.Name(), f.Name, k.kind)
			}
			*k.to = r
		}
		out = append(out, fp)
	}
	plans.Store(t, out)
	return out, nil
}

// kindError is a value its kind's rule refuses. Its place is added as the
// walk unwinds, so that checking a good profile builds no paths.
type kindError struct {
	path  []string // innermost first: "[1]", "values", "[2]", "selector"…
	value string
	err   error
}

func (e *kindError) Error() string {
	var b strings.Builder
	for i := len(e.path) - 1; i >= 0; i-- {
		seg := e.path[i]
		if b.Len() > 0 && seg[0] != '[' && seg[0] != ' ' {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return fmt.Sprintf("%s: %q: %v", b.String(), e.value, e.err)
}

// within adds a place to a kindError.
func within(seg string, err error) error {
	if ke, ok := err.(*kindError); ok {
		ke.path = append(ke.path, seg)
	}
	return err
}

// checkKinds checks every text field of v (a Profile, Event, Term or
// FieldMap) by the rule of its kind.
func (p *Profile) checkKinds(v reflect.Value) error {
	fields, err := planOf(v.Type())
	if err != nil {
		return err
	}
	for _, f := range fields {
		if err := p.checkValue(v.Field(f.index), f.rule, f.key); err != nil {
			return within(f.name, err)
		}
	}
	return nil
}

// checkValue checks one value of a field by its rule: a string, or each
// element of a list, each value and key of a map, or a struct's fields.
func (p *Profile) checkValue(v reflect.Value, rule, keyRule rule) error {
	switch v.Kind() {
	case reflect.String:
		if rule == nil {
			return fmt.Errorf("internal error: a text field without a check kind")
		}
		if err := rule(p, v.String()); err != nil {
			return &kindError{value: v.String(), err: err}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			return p.checkValue(v.Elem(), rule, keyRule)
		}
	case reflect.Struct:
		return p.checkKinds(v)
	case reflect.Slice:
		for i := range v.Len() {
			if err := p.checkValue(v.Index(i), rule, nil); err != nil {
				return within(fmt.Sprintf("[%d]", i+1), err)
			}
		}
	case reflect.Map:
		if v.Len() == 0 {
			return nil
		}
		// One key and one value, reused: a map's entries are copied out.
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		for it := v.MapRange(); it.Next(); {
			k.SetIterKey(it)
			e.SetIterValue(it)
			if p.checkEntry(k, e, rule, keyRule) != nil {
				// Again in key order, to report the first.
				for _, k := range slices.SortedFunc(slices.Values(v.MapKeys()), func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) }) {
					if err := p.checkEntry(k, v.MapIndex(k), rule, keyRule); err != nil {
						return err
					}
				}
			}
		}
	default:
		return fmt.Errorf("internal error: a profile field of kind %s", v.Kind())
	}
	return nil
}

// checkEntry checks a map's key and its value.
func (p *Profile) checkEntry(k, v reflect.Value, rule, keyRule rule) error {
	if err := p.checkValue(k, keyRule, nil); err != nil {
		return within(" key", err)
	}
	if err := p.checkValue(v, rule, nil); err != nil {
		return within(k.String(), err)
	}
	return nil
}

// CheckSetting says whether a value can be a setting of some profile. A
// setting is put into queries as it is (index={index}), so it must be
// one word, or a list of words separated by commas: a space, quote or
// pipe would let it end its term and add others. With checks the value as
// the profile's setting of that name.
func CheckSetting(name, value string) error {
	if err := checkWords(value); err != nil {
		return fmt.Errorf("setting %s=%q: %v", name, value, err)
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
		if err := p.checkSetting(k, v); err != nil {
			return nil, fmt.Errorf("setting %s=%q: %v", k, v, err)
		}
		q.Settings[k] = v
	}
	return &q, nil
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
