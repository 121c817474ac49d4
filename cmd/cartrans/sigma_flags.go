package main

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/cartrans/cartrans/sigmair"
	"github.com/cartrans/cartrans/sigmamap"
)

// sigmaFlags are the flags run, test and convert share for lowering
// Sigma rules: the mapping file, and --param's values, which serve both
// a pseudocode's "input" parameters and Sigma's expand placeholders.
type sigmaFlags struct {
	mapFile string
	params  []string
}

// paramHelp says what --param sets in each command.
const (
	paramHelpRun     = "a parameter's value, as name=value (repeatable): a pseudocode \"input\" parameter (the last value given), or a Sigma expand placeholder %name% (every value given, each a value the rule may match)"
	paramHelpConvert = "a Sigma expand placeholder's value, as name=value (repeatable: every value given is one the rule may match)"
)

func (s *sigmaFlags) register(f *pflag.FlagSet, paramHelp string) {
	f.StringVar(&s.mapFile, "sigma-map", "", "read Sigma logsources and fields with this mapping file (sigmamap's form) instead of the embedded one")
	f.StringArrayVar(&s.params, "param", nil, paramHelp)
}

// options reads the mapping file and the parameters: the Sigma rules'
// lowering options, and the pseudocode's parameters (a name given twice
// keeps its last value, as run has always read them). A bad value is a
// usage mistake.
func (s *sigmaFlags) options() (sigmair.Options, map[string]string, error) {
	var opt sigmair.Options
	params := map[string]string{}
	for _, a := range s.params {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return opt, nil, usagef("--param takes name=value, not %q", a)
		}
		params[k] = v
		if opt.Params == nil {
			opt.Params = map[string][]string{}
		}
		opt.Params[k] = append(opt.Params[k], v)
	}
	if s.mapFile != "" {
		m, err := sigmamap.Load(s.mapFile)
		if err != nil {
			return opt, nil, usagef("--sigma-map: %v", err)
		}
		opt.Map = m
	}
	return opt, params, nil
}
