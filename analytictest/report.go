package analytictest

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"

	"github.com/cartrans/cartrans/internal/plural"
)

// Summary counts results by outcome.
type Summary struct{ Pass, Fail, Skip int }

// Summarise counts the results.
func Summarise(rs []Result) Summary {
	var s Summary
	for _, r := range rs {
		switch r.Outcome {
		case Pass:
			s.Pass++
		case Fail:
			s.Fail++
		default:
			s.Skip++
		}
	}
	return s
}

// WriteText writes one line a test, as go test -v does, and a summary
// line; verbose lists passing tests too.
func WriteText(w io.Writer, rs []Result, elapsed time.Duration, verbose bool) {
	for _, r := range rs {
		if r.Outcome == Pass && !verbose {
			continue
		}
		label := map[Outcome]string{Pass: "ok  ", Fail: "FAIL", Skip: "skip"}[r.Outcome]
		fmt.Fprintf(w, "%s %s %s %q", label, r.ID, r.Kind, r.Name)
		if r.Outcome == Pass {
			fmt.Fprintf(w, ": %s\n", plural.N(r.Matches, "match", "matches"))
		} else {
			fmt.Fprintf(w, ": %s\n", r.Reason)
		}
		for _, b := range r.Bad {
			fmt.Fprintf(w, "     unreadable event %s\n", b)
		}
	}
	s := Summarise(rs)
	// A run that checked nothing (no test, or every one skipped) is no
	// pass: its status says so, as the exit status does.
	status := "ok"
	if s.Fail > 0 || s.Pass == 0 {
		status = "FAIL"
	}
	fmt.Fprintf(w, "%s\t%d passed, %d failed, %d skipped\t%.3fs\n", status, s.Pass, s.Fail, s.Skip, elapsed.Seconds())
}

// JUnit XML, as CI services read it: one test suite, one test case per
// analytic and test.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the results as JUnit XML.
func WriteJUnit(w io.Writer, rs []Result, elapsed time.Duration) error {
	s := Summarise(rs)
	suite := junitSuite{Name: "cartrans test", Tests: len(rs), Failures: s.Fail, Skipped: s.Skip, Time: seconds(elapsed)}
	for _, r := range rs {
		c := junitCase{Name: r.Kind + ": " + r.Name, ClassName: r.ID, Time: seconds(r.Duration)}
		switch r.Outcome {
		case Fail:
			c.Failure = &junitMessage{Message: r.Reason, Text: r.Pos.String() + ": " + r.Reason}
		case Skip:
			c.Skipped = &junitMessage{Message: r.Reason}
		}
		suite.Cases = append(suite.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(junitSuites{Suites: []junitSuite{suite}}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
