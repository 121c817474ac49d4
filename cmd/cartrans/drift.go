package main

import (
	"fmt"
	"github.com/cartrans/cartrans/internal/version"

	"github.com/spf13/cobra"

	"github.com/cartrans/cartrans/convert"
	"github.com/cartrans/cartrans/drift"
	"github.com/cartrans/cartrans/profile"
)

// runDrift is check --drift: every backend's every profile is generated,
// and each hand-written query compared with the one it differs least from.
func runDrift(cmd *cobra.Command, args []string, targets, format string) error {
	if format != "text" && format != "json" && format != "summary" {
		return usagef("--format is text, json or summary, not %q", format)
	}
	tgts, err := resolveTargets(targets, "all", nil)
	if err != nil {
		return err
	}
	profiles := map[string]*profile.Profile{}
	for _, t := range tgts {
		profiles[t.Backend.Name()+"/"+t.Profile.Name] = t.Profile
	}
	analytics, failed := loadAnalytics(cmd, args)
	if len(analytics) == 0 {
		// Nothing to review (Load said why): no table of zeros.
		return exitError{exitFailed}
	}
	entries, _ := convert.Convert(analytics, tgts, convert.Options{})
	var keep []drift.Report
	for _, r := range drift.Analyze(analytics, entries, profiles) {
		if inTargets(tgts, r.Backend) {
			keep = append(keep, r)
		}
	}
	out := cmd.OutOrStdout()
	switch format {
	case "json":
		v := version.Read().Short()
		for i := range keep {
			keep[i].Version = v
		}
		err = drift.WriteJSON(out, keep)
	case "summary":
		err = drift.WriteSummary(out, keep)
	default:
		if err = drift.WriteText(out, keep); err == nil {
			fmt.Fprintln(out)
			err = drift.WriteSummary(out, keep)
		}
	}
	if err != nil {
		return err
	}
	for _, r := range keep {
		if r.Status == drift.Drifts || r.Status == drift.Unreadable {
			failed = true
		}
	}
	if failed {
		return exitError{exitFailed}
	}
	return nil
}

func inTargets(tgts []convert.Target, backend string) bool {
	for _, t := range tgts {
		if t.Backend.Name() == backend {
			return true
		}
	}
	return false
}
