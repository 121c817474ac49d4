//go:build ignore

// gen writes car.json, the CAR data model's objects, actions and field
// names, from CAR's data_model/*.yaml. Run it with `go generate` after CAR
// changes its data model; TestEmbeddedModelMatchesCorpus says when to.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"gopkg.in/yaml.v3"
)

type object struct {
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
	Fields  []string `json:"fields"`
}

func main() {
	corpus := flag.String("corpus", "../../shared/car", "CAR checkout holding data_model/")
	out := flag.String("o", "car.json", "output file")
	flag.Parse()
	files, err := filepath.Glob(filepath.Join(*corpus, "data_model", "*.yaml"))
	if err != nil || len(files) == 0 {
		fmt.Fprintf(os.Stderr, "gen: no data model under %s\n", *corpus)
		os.Exit(1)
	}
	var objects []object
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		var doc struct {
			Name    string
			Actions []struct{ Name string }
			Fields  []struct{ Name string }
		}
		if err := yaml.Unmarshal(data, &doc); err != nil {
			fmt.Fprintf(os.Stderr, "gen: %s: %v\n", f, err)
			os.Exit(1)
		}
		o := object{Name: doc.Name}
		for _, a := range doc.Actions {
			o.Actions = append(o.Actions, a.Name)
		}
		for _, fl := range doc.Fields {
			o.Fields = append(o.Fields, fl.Name)
		}
		objects = append(objects, o)
	}
	sort.Slice(objects, func(i, j int) bool { return objects[i].Name < objects[j].Name })
	data, _ := json.MarshalIndent(objects, "", "  ")
	if err := os.WriteFile(*out, append(data, '\n'), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
