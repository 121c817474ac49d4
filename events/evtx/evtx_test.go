package evtx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

// readAll reads an EVTX file held in memory with the given number of
// workers: the records, and the damaged parts reported.
func readAll(t *testing.T, data []byte, workers int) (recs []Record, bad []*Error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data), int64(len(data)), "test.evtx")
	if err != nil {
		t.Fatal(err)
	}
	r.Workers = workers
	err = r.Records(func(rec Record) error {
		if rec.Err != nil {
			bad = append(bad, rec.Err)
		} else {
			recs = append(recs, rec)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs, bad
}

func ids(recs []Record) []uint64 {
	var out []uint64
	for _, r := range recs {
		out = append(out, r.ID)
	}
	return out
}

func seq(from, to uint64) []uint64 {
	var out []uint64
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// A Sysmon-like record (a template instance with typed substitutions)
// gives the fields the XML reader gives for its export, in Windows' value
// forms, and the dump tools' JSON shape; an optional substitution with no
// value leaves its attribute out.
func TestSysmonRecord(t *testing.T) {
	chunk, _ := sysmonChunk(7)
	recs, bad := readAll(t, file(chunk), 1)
	if len(bad) != 0 || len(recs) == 0 {
		t.Fatalf("%d records, damaged: %v", len(recs), bad)
	}
	f := recs[0].Map()
	want := map[string]string{
		"Provider.Name":          "Microsoft-Windows-Sysmon",
		"Provider.Guid":          "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}",
		"EventID":                "1",
		"Level":                  "4",
		"Keywords":               "0x8000000000000000",
		"TimeCreated.SystemTime": "2023-10-24T11:21:00.6015597Z",
		"EventRecordID":          "7",
		"Execution.ProcessID":    "3308",
		"Execution.ThreadID":     "4008",
		"Channel":                "Microsoft-Windows-Sysmon/Operational",
		"Computer":               "ar-win-dc.attackrange.local",
		"Security.UserID":        "S-1-5-18",
	}
	for _, name := range sysmonData {
		want[name] = sysmonValue(name)
	}
	if !reflect.DeepEqual(f, want) {
		t.Errorf("fields:\n%v\nwant\n%v", f, want)
	}
	if recs[0].ID != 7 || recs[0].Time.Format(windowsTimeLayout) != "2023-10-24T11:21:00.6015597Z" {
		t.Errorf("record %d written %v", recs[0].ID, recs[0].Time)
	}
	b, _ := json.Marshal(recs[0].Dump())
	for _, part := range []string{
		`{"Event":{"#attributes":{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"},"System":{"Provider":{"#attributes":{"Name":"Microsoft-Windows-Sysmon","Guid":"5770385F-C22A-43E0-BF4C-06F5698FFBD9"}},"EventID":1,`,
		`"TimeCreated":{"#attributes":{"SystemTime":"2023-10-24T11:21:00.601559Z"}},"EventRecordID":7,"Correlation":null,`,
		`"EventData":{"RuleName":"RuleName C:\\Windows\\System32\\cmd.exe",`,
	} {
		if !strings.Contains(string(b), part) {
			t.Errorf("dump %s\nlacks %s", b, part)
		}
	}
}

// The binary XML tokens a record may hold outside templates: attributes
// of several pieces, CDATA, character and entity references, processing
// instructions (not rendered), and UserData by path.
func TestTokens(t *testing.T) {
	c := newChunk()
	tokensRecord(c)
	recs, bad := readAll(t, file(c.bytes()), 1)
	if len(bad) != 0 || len(recs) != 1 {
		t.Fatalf("%d records, damaged: %v", len(recs), bad)
	}
	want := map[string]string{
		"EventID":                "4",
		"Computer":               "a&b<c>A&nbsp;",
		"UserData.Log.xmlns":     "urn:x",
		"UserData.Log.Two":       "p<q",
		"UserData.Log.Item":      "v",
		"UserData.Log.Item.Kind": "k",
		"Data.0":                 "unnamed",
		"Data.1":                 "00FF",
	}
	if got := recs[0].Map(); !reflect.DeepEqual(got, want) {
		t.Errorf("fields:\n%v\nwant\n%v", got, want)
	}
	b, _ := json.Marshal(recs[0].Dump())
	const dump = `{"Event":{"System":{"EventID":"4","Computer":"a\u0026b\u003cc\u003eA\u0026nbsp;"},"UserData":{"Log":{"#attributes":{"xmlns":"urn:x","Two":"p\u003cq"},"Item":{"#attributes":{"Kind":"k"},"#text":" v "},"Empty":null}},"EventData":{"Data":"unnamed","Binary":"00FF"}}}`
	if string(b) != dump {
		t.Errorf("dump %s\nwant %s", b, dump)
	}
}

// Substitutions: binary XML in a value (UserData, as Windows writes it)
// is decoded in place with its own template; an optional substitution
// with no value drops its attribute, a normal one leaves it empty; an
// attribute mixes text and a substitution; a value's array type is kept.
func TestSubstitutions(t *testing.T) {
	c := newChunk()
	substitutionsRecord(c)
	recs, bad := readAll(t, file(c.bytes()), 1)
	if len(bad) != 0 || len(recs) != 1 {
		t.Fatalf("%d records, damaged: %v", len(recs), bad)
	}
	want := map[string]string{
		"EventID":                                 "1102",
		"Correlation.Related":                     "",
		"Execution.ProcessID":                     "pid 1102",
		"UserData.LogFileCleared.xmlns":           "urn:y",
		"UserData.LogFileCleared.SubjectUserName": "admin",
		"List":    "a,b",
		"Missing": "",
	}
	if got := recs[0].Map(); !reflect.DeepEqual(got, want) {
		t.Errorf("fields:\n%v\nwant\n%v", got, want)
	}
	b, _ := json.Marshal(recs[0].Dump())
	const dump = `{"Event":{"System":{"EventID":1102,"Correlation":{"#attributes":{"Related":null}},"Execution":{"#attributes":{"ProcessID":"pid 1102"}}},"UserData":{"LogFileCleared":{"#attributes":{"xmlns":"urn:y"},"SubjectUserName":"admin"}},"EventData":{"List":["a","b"],"Missing":null}}}`
	if string(b) != dump {
		t.Errorf("dump %s\nwant %s", b, dump)
	}
}

// Binary XML in a substitution value whose elements have no dependency
// identifier (as some writers leave it out) reads the same: names
// written in place and names referred to.
func TestNoDependencyIdentifier(t *testing.T) {
	c := newChunk()
	nested := func(name string) sv {
		return sv{t: tBinXML, w: func() {
			c.noDep = true
			defer func() { c.noDep = false }()
			c.header()
			c.open(name, func() { c.attr("xmlns"); c.text("urn:y") })
			c.closeStart()
			c.elem("SubjectUserName", func() { c.text("admin") })
			c.end()
			c.eof()
		}}
	}
	def := func() {
		c.open("Event", nil)
		c.closeStart()
		c.elem("UserData", func() { c.sub(0, tBinXML) })
		c.end()
	}
	c.record(1, 0, func() { c.header(); c.template(1, def, []sv{nested("LogFileCleared")}); c.eof() })
	c.record(2, 0, func() { c.header(); c.template(1, def, []sv{nested("LogFileCleared")}); c.eof() })
	recs, bad := readAll(t, file(c.bytes()), 1)
	if len(bad) != 0 || len(recs) != 2 {
		t.Fatalf("%d records, damaged: %v", len(recs), bad)
	}
	want := map[string]string{"UserData.LogFileCleared.xmlns": "urn:y", "UserData.LogFileCleared.SubjectUserName": "admin"}
	for _, rec := range recs {
		if got := rec.Map(); !reflect.DeepEqual(got, want) {
			t.Errorf("record %d: %v, want %v", rec.ID, got, want)
		}
	}
}

// Records come in record order whatever the number of workers, and a
// full log that wrapped around is read from the oldest chunk the header
// names.
func TestOrder(t *testing.T) {
	var chunks [][]byte
	next := uint64(1)
	for range 7 {
		var c []byte
		c, next = sysmonChunk(next)
		chunks = append(chunks, c)
	}
	data := file(chunks...)
	for _, w := range []int{1, 2, 3, 8} {
		recs, bad := readAll(t, data, w)
		if len(bad) != 0 || !reflect.DeepEqual(ids(recs), seq(1, next-1)) {
			t.Errorf("%d workers: records %v, damaged %v", w, ids(recs), bad)
		}
	}
	// Chunks 2.. were overwritten after chunk 1: the header names chunk 2
	// as the oldest.
	wrapped := append(fileHeader(3, 1, 0), chunks[2]...)
	wrapped = append(wrapped, chunks[0]...)
	wrapped = append(wrapped, chunks[1]...)
	recs, bad := readAll(t, wrapped, 2)
	first := le.Uint64(chunks[0][8:])
	third := le.Uint64(chunks[2][8:])
	if got := ids(recs); len(bad) != 0 || got[0] != first || got[len(got)-1] != third+uint64(len(got))/3-1 {
		t.Errorf("wrapped: records %v, damaged %v", got, bad)
	}
	if !reflect.DeepEqual(ids(recs)[:len(recs)*2/3], seq(1, le.Uint64(chunks[1][16:]))) {
		t.Errorf("wrapped: records %v", ids(recs))
	}
}

// An error from the callback stops the reading and is returned, with
// workers still decoding chunks ahead.
func TestStop(t *testing.T) {
	var chunks [][]byte
	next := uint64(1)
	for range 6 {
		var c []byte
		c, next = sysmonChunk(next)
		chunks = append(chunks, c)
	}
	data := file(chunks...)
	r, err := NewReader(bytes.NewReader(data), int64(len(data)), "x")
	if err != nil {
		t.Fatal(err)
	}
	r.Workers = 3
	stop := errors.New("stop")
	n := 0
	err = r.Records(func(Record) error {
		n++
		if n == 5 {
			return stop
		}
		return nil
	})
	if err != stop || n != 5 {
		t.Errorf("error %v after %d records", err, n)
	}
}

// recordOffsets lists where a chunk's records begin.
func recordOffsets(chunk []byte) []int {
	var out []int
	free := int(le.Uint32(chunk[48:]))
	for off := chunkHeaderSize; off < free; off += int(le.Uint32(chunk[off+4:])) {
		out = append(out, off)
	}
	return out
}

// Damaged files: each damage is reported with file, chunk and offset, and
// every record that can be read still is.
func TestDamage(t *testing.T) {
	c0, next := sysmonChunk(1)
	c1, last := sysmonChunk(next)
	last--
	offs := recordOffsets(c0)
	rec2 := offs[1] // the second record of chunk 0
	base0 := int64(fileHeaderSize)
	all := seq(1, last)
	without := func(id uint64) []uint64 {
		var out []uint64
		for _, v := range all {
			if v != id {
				out = append(out, v)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		damage func(f []byte) []byte
		ids    []uint64
		errors []string // "chunk offset: reason prefix"
	}{
		{"intact", func(f []byte) []byte { return f }, all, nil},
		{"file header checksum", func(f []byte) []byte { f[50] = 1; return f }, all,
			[]string{"file header: header checksum"}},
		{"file header signature", func(f []byte) []byte { f[0] = 'X'; return f }, all,
			[]string{"file header: no ElfFile signature"}},
		{"chunk header checksum", func(f []byte) []byte { f[fileHeaderSize+60] = 1; return f }, all,
			[]string{fmt.Sprintf("chunk 0, offset 0x%x: chunk header checksum", base0)}},
		{"chunk signature", func(f []byte) []byte { f[fileHeaderSize] = 'X'; return f }, all,
			[]string{fmt.Sprintf("chunk 0, offset 0x%x: no ElfChnk signature", base0)}},
		{"records checksum", func(f []byte) []byte { f[fileHeaderSize+rec2+200] ^= 1; return f }, all,
			[]string{fmt.Sprintf("chunk 0, offset 0x%x: event records checksum", base0+chunkHeaderSize)}},
		{"record signature", func(f []byte) []byte { f[fileHeaderSize+rec2] = 0; fixRecordsCRC(f, 0); return f }, without(2),
			[]string{fmt.Sprintf("chunk 0, offset 0x%x: no record signature", base0+int64(rec2))}},
		{"record size", func(f []byte) []byte { f[fileHeaderSize+rec2+4]++; fixRecordsCRC(f, 0); return f }, without(2),
			[]string{fmt.Sprintf("chunk 0, offset 0x%x: record size", base0+int64(rec2))}},
		{"record binary XML", func(f []byte) []byte {
			f[fileHeaderSize+rec2+recordHeader+4] = 0x7f // the template instance token
			fixRecordsCRC(f, 0)
			return f
		}, without(2), []string{fmt.Sprintf("chunk 0, offset 0x%x: record 2: chunk offset 0x%x: unexpected token 0x7f", base0+int64(rec2), rec2+recordHeader+4)}},
		{"truncated", func(f []byte) []byte { return f[:fileHeaderSize+chunkSize+recordOffsets(c1)[3]+100] },
			seq(1, le.Uint64(c1[8:])+2),
			[]string{
				fmt.Sprintf("chunk 1, offset 0x%x: truncated chunk", base0+chunkSize),
				fmt.Sprintf("chunk 1, offset 0x%x: record size", base0+chunkSize+int64(recordOffsets(c1)[3])),
			}},
		{"header lags (dirty file)", func(f []byte) []byte {
			setFree(f[fileHeaderSize:], rec2)
			le.PutUint32(f[120:], 1)
			fixFileCRC(f)
			return f
		}, all, nil},
		{"stale record past the end", func(f []byte) []byte {
			setFree(f[fileHeaderSize:], offs[len(offs)-1])
			le.PutUint64(f[fileHeaderSize+offs[len(offs)-1]+8:], 999)
			return f
		}, without(le.Uint64(c0[16:])), nil},
		{"unused chunk", func(f []byte) []byte { return append(f, make([]byte, chunkSize)...) }, all, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.damage(file(append([]byte(nil), c0...), append([]byte(nil), c1...)))
			for _, w := range []int{1, 2} {
				recs, bad := readAll(t, f, w)
				if !reflect.DeepEqual(ids(recs), tc.ids) {
					t.Errorf("%d workers: records %v\nwant %v", w, ids(recs), tc.ids)
				}
				if len(bad) != len(tc.errors) {
					t.Errorf("%d workers: damage reported: %v, want %q", w, bad, tc.errors)
					continue
				}
				for i, e := range bad {
					if !strings.HasPrefix(e.Error(), "test.evtx: "+tc.errors[i]) {
						t.Errorf("%d workers: damage %q, want %q…", w, e, tc.errors[i])
					}
				}
			}
		})
	}
}

// setFree moves a chunk's end of records back to off (as in a file whose
// chunk header was last saved before the records after off were written),
// with consistent checksums.
func setFree(chunk []byte, off int) {
	le.PutUint32(chunk[48:], uint32(off))
	le.PutUint32(chunk[52:], crcOf(chunk[chunkHeaderSize:off]))
	fixChunkCRC(chunk)
}

func fixRecordsCRC(f []byte, chunk int) {
	c := f[fileHeaderSize+chunk*chunkSize:]
	setFree(c, int(le.Uint32(c[48:])))
}

func fixFileCRC(f []byte) { le.PutUint32(f[124:], crcOf(f[:120])) }

// Input that is not EVTX at all is refused.
func TestNotEVTX(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("ElfFile"), bytes.Repeat([]byte("x"), 70000)} {
		if _, err := NewReader(bytes.NewReader(data), int64(len(data)), "x.evtx"); err == nil || !strings.Contains(err.Error(), "x.evtx: not an EVTX file") {
			t.Errorf("%d bytes: error %v", len(data), err)
		}
	}
}

// The bounds on what a record may make the decoder do: element nesting,
// binary XML nested in substitutions, and the number of items a record
// expands to (a template using a value that is itself a template using
// its value many times).
func TestLimits(t *testing.T) {
	for _, tc := range []struct {
		name string
		body func(c *chunkBuilder)
		want string
	}{
		{"nesting", func(c *chunkBuilder) {
			for range maxDepth + 1 {
				c.open("E", nil)
				c.closeStart()
			}
			for range maxDepth + 1 {
				c.end()
			}
		}, "elements nested more than 64 deep"},
		{"nested binary XML", func(c *chunkBuilder) {
			var level func(n int) sv
			level = func(n int) sv {
				return sv{t: tBinXML, w: func() {
					c.header()
					vals := []sv{strv("leaf")}
					if n > 0 {
						vals = []sv{level(n - 1)}
					}
					c.template(1, func() { c.elem("N", func() { c.sub(0, tBinXML) }) }, vals)
					c.eof()
				}}
			}
			c.template(1, func() { c.elem("N", func() { c.sub(0, tBinXML) }) }, []sv{level(maxNested + 1)})
		}, "binary XML nested more than 8 deep"},
		{"expansion", func(c *chunkBuilder) {
			many := func() {
				c.open("E", nil)
				c.closeStart()
				for range 300 {
					c.sub(0, tBinXML)
				}
				c.end()
			}
			inner := sv{t: tBinXML, w: func() {
				c.header()
				c.template(2, many, []sv{strv("x")})
				c.eof()
			}}
			c.template(1, many, []sv{inner})
		}, "record expands to more than "},
	} {
		c := newChunk()
		c.record(1, 0, func() { c.header(); tc.body(c); c.eof() })
		recs, bad := readAll(t, file(c.bytes()), 1)
		if len(recs) != 0 || len(bad) != 1 || !strings.Contains(bad[0].Error(), tc.want) {
			t.Errorf("%s: records %v, damage %v; want %q", tc.name, ids(recs), bad, tc.want)
		}
	}
}
