// Command cartrans compiles MITRE CAR analytics: it reads them into a
// structured model and (in later commands) translates and runs them. Every
// command is a thin call into the packages; this file holds only the
// command-line plumbing.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cartrans/cartrans/internal/gcpolicy"
	"github.com/cartrans/cartrans/internal/version"
	"github.com/spf13/cobra"
)

// Exit statuses, the same for every command.
const (
	exitOK     = 0
	exitFailed = 1 // some input had errors (or warnings under --strict)
	exitUsage  = 2 // the command line itself was wrong
)

// exitError carries an exit status out of a command. Its message, if any,
// has already been printed.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// usageError marks a command-line mistake: exit status 2.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func main() {
	if streams(os.Args[1:]) {
		gcpolicy.Stream()
	} else {
		gcpolicy.Batch()
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// streams reports whether the command line names a command that streams
// event logs (run, test, events), which internal/gcpolicy gives a lower
// memory limit than the commands that hold their inputs. The command is
// the first argument that is not a flag (the root's flags take no value).
func streams(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if !strings.HasPrefix(a, "-") {
			switch a {
			case "run", "test", "events":
				return true
			}
			return false
		}
	}
	return false
}

// run executes the command line and returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	var ee exitError
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ee):
		return ee.code
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "cartrans: %v\n", ue.err)
		return exitUsage
	default:
		// cobra's own errors are about the command line: unknown
		// commands and flags, wrong argument counts. The help to read is
		// that of the command the mistake was made in (the root's for
		// an unknown command).
		if cmd == nil {
			cmd = root
		}
		fmt.Fprintf(stderr, "cartrans: %v\nRun '%s --help' for usage.\n", err, cmd.CommandPath())
		return exitUsage
	}
}

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "cartrans",
		Short: "Compile MITRE CAR analytics into SIEM queries and run them over event logs",
		Long: `cartrans reads MITRE Cyber Analytics Repository (CAR) analytics, as CAR's
markdown pages or CAR's YAML source, into one structured model.

Diagnostics go to standard error as file:line:col: severity: message.
Exit status: 0 ok, 1 some input had errors, 2 usage error.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       version.Read().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newParseCmd(), newLintCmd(), newFmtCmd(), newConvertCmd(), newTestCmd(), newRunCmd(), newCheckCmd(), newRenderCmd(), newNavigatorCmd(), newListCmd(), newEventsCmd(), newVersionCmd())
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print cartrans's version, commit and Go version",
		Long: `version prints the version this binary was built as (a module version, or
"devel" with the commit from a clone, "-dirty" when the tree had changes)
and the Go toolchain that built it. --version prints the same; SARIF output
names the same version.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), version.Read())
			return err
		},
	}
}
