package evtx_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/cartrans/cartrans/events"
	"github.com/cartrans/cartrans/events/evtx"
	"github.com/cartrans/cartrans/internal/testcorpus"
)

// An .evtx record and its XML export give the same flat event: the
// fields of every synthetic and corpus record equal those the Windows event XML reader
// (package events) reads from the record rendered as XML.
func TestSameAsXMLReader(t *testing.T) {
	n := 0
	synthetic := evtx.SyntheticFile()
	for _, path := range append([]string{"synthetic"}, testcorpus.SigmaEVTX(t)...) {
		var r *evtx.Reader
		var err error
		if path == "synthetic" {
			r, err = evtx.NewReader(bytes.NewReader(synthetic), int64(len(synthetic)), path)
		} else {
			r, err = evtx.Open(path)
		}
		if err != nil {
			t.Fatal(err)
		}
		err = r.Records(func(rec evtx.Record) error {
			if rec.Err != nil {
				t.Error(rec.Err)
				return nil
			}
			n++
			var got map[string]string
			rd := events.Reader{
				Event: func(e events.Event) error { got = e.Fields; return nil },
				Bad:   func(b events.Bad) { t.Errorf("%s: %s", path, b) },
			}
			if err := rd.Read(bytes.NewReader(rec.XML()), path, events.XML); err != nil {
				t.Fatal(err)
			}
			if want := rec.Map(); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: record %d: the XML reader gives\n%v\nthe EVTX reader\n%v\nfrom %s", path, rec.ID, got, want, rec.XML())
			}
			return nil
		})
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	if n == 0 {
		t.Fatal("no records")
	}
}
