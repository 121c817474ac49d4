package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/cartrans/cartrans/analytic"
)

// FullPage writes an analytic as a page in the CAR site format, for an
// analytic that has no page (CAR's YAML form): front matter, description,
// the ATT&CK, D3FEND and data model tables, implementations, unit tests,
// true positives, output description and references, in the layout the
// markdown reader reads back into the same model.
func FullPage(a *analytic.Analytic) []byte {
	var b bytes.Buffer
	b.WriteString("---\n")
	fmt.Fprintf(&b, "title: %s\n", strconv.Quote(a.ID+": "+a.Title))
	b.WriteString("layout: analytic\n")
	if !a.Submitted.IsZero() {
		fmt.Fprintf(&b, "submission_date: %s\n", slashDate(a.Submitted))
	}
	if !a.Updated.IsZero() {
		fmt.Fprintf(&b, "update_date: %s\n", slashDate(a.Updated))
	}
	list := func(key string, vals []string) {
		if len(vals) == 0 {
			return
		}
		fmt.Fprintf(&b, "%s:\n", key)
		for _, v := range vals {
			fmt.Fprintf(&b, "  - %s\n", strconv.Quote(v))
		}
	}
	list("information_domain", a.InformationDomain)
	list("subtypes", a.Subtypes)
	list("analytic_types", a.AnalyticTypes)
	list("contributors", a.Contributors)
	list("applicable_platforms", a.Platforms)
	b.WriteString("---\n\n")
	if a.Description != "" {
		b.WriteString(a.Description + "\n\n")
	}
	if a.OutputDescription != "" {
		b.WriteString("### Output Description\n\n" + a.OutputDescription + "\n\n")
	}
	if len(a.Coverage) > 0 {
		b.WriteString("### ATT&CK Detections\n\n|Technique|Subtechnique(s)|Tactic(s)|Level of Coverage|\n|---|---|---|---|\n")
		for _, c := range a.Coverage {
			tech := c.Technique.ID
			if c.Technique.Name != "" {
				tech = link(c.Technique.Name, techniqueURL(c.Technique.ID))
			}
			var subs, tactics []string
			for _, s := range c.Subtechniques {
				subs = append(subs, link(or(s.Name, s.ID), techniqueURL(s.ID)))
			}
			for _, t := range c.Tactics {
				tactics = append(tactics, link(or(t.Name, t.ID), "https://attack.mitre.org/tactics/"+t.ID+"/"))
			}
			fmt.Fprintf(&b, "|%s|%s|%s|%s|\n", tech, strings.Join(subs, ", "), strings.Join(tactics, ", "), c.Level)
		}
		b.WriteString("\n")
	}
	if len(a.D3FEND) > 0 {
		b.WriteString("### D3FEND Techniques\n\n|ID|Name|\n|---|---|\n")
		for _, d := range a.D3FEND {
			fmt.Fprintf(&b, "|%s|%s|\n", d.ID, link(d.Name, "https://d3fend.mitre.org/technique/"+d.IRI))
		}
		b.WriteString("\n")
	}
	if len(a.DataModelRefs) > 0 {
		b.WriteString("### Data Model References\n\n|Object|Action|Field|\n|---|---|---|\n")
		for _, r := range a.DataModelRefs {
			fmt.Fprintf(&b, "|[%s](/data_model/%s)|[%s](/data_model/%s#%s)|[%s](/data_model/%s#%s)|\n",
				r.Object, r.Object, r.Action, r.Object, r.Action, r.Field, r.Object, r.Field)
		}
		b.WriteString("\n")
	}
	if len(a.Implementations) > 0 {
		b.WriteString("### Implementations\n\n")
		for _, im := range a.Implementations {
			if im.Generated {
				continue
			}
			head := im.TypeAsWritten
			if im.DataModel != "" {
				head += ", " + im.DataModel
			}
			if im.Name != "" {
				head = im.Name + " (" + head + ")"
			}
			fmt.Fprintf(&b, "#### %s\n\n", head)
			if im.Description != "" {
				b.WriteString(im.Description + "\n\n")
			}
			b.WriteString(fenced(im.Code, ""))
		}
	}
	if len(a.UnitTests) > 0 {
		b.WriteString("### Unit Tests\n\n")
		for i, ut := range a.UnitTests {
			name := ut.Name
			if name == "" {
				name = fmt.Sprintf("Test Case %d", i+1)
			}
			fmt.Fprintf(&b, "#### %s\n\n", name)
			if len(ut.Configurations) > 0 {
				fmt.Fprintf(&b, "**Configurations:** %s\n\n", strings.Join(ut.Configurations, ", "))
			}
			if ut.Description != "" {
				b.WriteString(ut.Description + "\n\n")
			}
			if len(ut.Commands) > 0 {
				b.WriteString(fenced(strings.Join(ut.Commands, "\n"), ""))
			}
		}
	}
	if len(a.TruePositives) > 0 {
		b.WriteString("### True Positives\n\n")
		for _, tp := range a.TruePositives {
			fmt.Fprintf(&b, "#### %s\n\n", tp.Name)
			if tp.Description != "" {
				b.WriteString(tp.Description + "\n\n")
			}
			if tp.FullEvent != "" {
				fmt.Fprintf(&b, "##### [Full Event](%s)\n\n", tp.FullEvent)
			}
			if tp.EventFile != "" && tp.Event == nil {
				fmt.Fprintf(&b, "##### [Event Snippet](%s)\n\n", tp.EventFile)
			}
			if tp.Event != nil {
				ev, _ := json.MarshalIndent(tp.Event, "", "  ")
				b.WriteString("##### Event Snippet\n\n")
				b.WriteString(fenced(string(ev), "json"))
			}
		}
	}
	return endPage(&b, a.References)
}

// endPage writes the references section, if any, and ends the page
// with one newline.
func endPage(b *bytes.Buffer, refs []string) []byte {
	if len(refs) > 0 {
		b.WriteString("### References\n\n")
		for _, r := range refs {
			fmt.Fprintf(b, "- %s\n", r)
		}
		b.WriteString("\n")
	}
	return append(bytes.TrimRight(b.Bytes(), "\n"), '\n')
}

func slashDate(d analytic.Date) string { return fmt.Sprintf("%04d/%02d/%02d", d.Year, d.Month, d.Day) }

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func link(text, url string) string {
	return "[" + strings.NewReplacer("[", `\[`, "]", `\]`, "|", `\|`).Replace(text) + "](" + url + ")"
}

func techniqueURL(id string) string {
	return "https://attack.mitre.org/techniques/" + strings.ReplaceAll(id, ".", "/") + "/"
}

// fenced writes code in a fence longer than any backtick run in it.
func fenced(code, lang string) string {
	fence := "```"
	for strings.Contains(code, fence) {
		fence += "`"
	}
	return fence + lang + "\n" + code + "\n" + fence + "\n\n"
}
