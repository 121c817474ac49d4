package evtx

import (
	"encoding/json"
	"testing"
	"unicode/utf16"
)

func val(t byte, s string) value { return value{t: t, s: s} }

// Every value type renders as Windows writes it in event XML (the flat
// fields) and as dump tools write it in JSON.
func TestValueTypes(t *testing.T) {
	sysTime := []byte{0xe9, 0x07, 10, 0, 5, 0, 24, 0, 23, 0, 41, 0, 0, 0, 0x59, 0x02} // 2025-10-24 23:41:00.601
	for _, tc := range []struct {
		name    string
		v       value
		windows string
		json    string
	}{
		{"null", value{t: tNull, s: ""}, "", "null"},
		{"string", newValue(tString, []byte{'h', 0, 0xe9, 0, 0, 0}), "hé", `"hé"`},
		{"surrogate pair", newValue(tString, []byte{0x3d, 0xd8, 0x00, 0xde}), "😀", `"😀"`},
		{"ansi", newValue(tAnsiString, []byte("abc\x00")), "abc", `"abc"`},
		{"ansi latin-1", newValue(tAnsiString, []byte{0xe9}), "é", `"é"`},
		{"int8", value{t: tInt8, s: "\xff"}, "-1", "-1"},
		{"uint8", value{t: tUint8, s: "\xff"}, "255", "255"},
		{"int16", value{t: tInt16, s: "\xfe\xff"}, "-2", "-2"},
		{"uint16", value{t: tUint16, s: "\x0b\x00"}, "11", "11"},
		{"int32", value{t: tInt32, s: "\xfd\xff\xff\xff"}, "-3", "-3"},
		{"uint32", value{t: tUint32, s: "\xff\xff\xff\xff"}, "4294967295", "4294967295"},
		{"int64", value{t: tInt64, s: "\xfc\xff\xff\xff\xff\xff\xff\xff"}, "-4", "-4"},
		{"uint64", value{t: tUint64, s: "\xff\xff\xff\xff\xff\xff\xff\xff"}, "18446744073709551615", "18446744073709551615"},
		{"real32", value{t: tReal32, s: "\x00\x00\xc0\x3f"}, "1.5", "1.5"},
		{"real64", value{t: tReal64, s: "\x00\x00\x00\x00\x00\x00\x04\x40"}, "2.5", "2.5"},
		{"real64 NaN", value{t: tReal64, s: "\x01\x00\x00\x00\x00\x00\xf8\x7f"}, "NaN", `"NaN"`},
		{"bool", value{t: tBool, s: "\x01\x00\x00\x00"}, "true", "true"},
		{"bool false", value{t: tBool, s: "\x00\x00\x00\x00"}, "false", "false"},
		{"binary", value{t: tBinary, s: "\x01\xab"}, "01AB", `"01AB"`},
		{"guid", value{t: tGUID, s: "\x5f\x38\x70\x57\x2a\xc2\xe0\x43\xbf\x4c\x06\xf5\x69\x8f\xfb\xd9"},
			"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}", `"5770385F-C22A-43E0-BF4C-06F5698FFBD9"`},
		{"size 4", value{t: tSizeT, s: "\x10\x00\x00\x00"}, "0x10", `"0x10"`},
		{"size 8", value{t: tSizeT, s: "\x10\x00\x00\x00\x00\x00\x00\x01"}, "0x100000000000010", `"0x100000000000010"`},
		{"filetime", value{t: tFileTime, s: string(le.AppendUint64(nil, 133426200606015590))},
			"2023-10-24T11:21:00.6015590Z", `"2023-10-24T11:21:00.601559Z"`},
		{"systemtime", value{t: tSysTime, s: string(sysTime)}, "2025-10-24T23:41:00.6010000Z", `"2025-10-24T23:41:00.601000Z"`},
		{"sid", value{t: tSID, s: "\x01\x02\x00\x00\x00\x00\x00\x05\x20\x00\x00\x00\x20\x02\x00\x00"}, "S-1-5-32-544", `"S-1-5-32-544"`},
		{"sid large authority", value{t: tSID, s: "\x01\x00\x01\x00\x00\x00\x00\x00"}, "S-1-0x10000000000", `"S-1-0x10000000000"`},
		{"hex32", value{t: tHexInt32, s: "\xff\xff\x1f\x00"}, "0x1fffff", `"0x1fffff"`},
		{"hex64", value{t: tHexInt64, s: "\x00\x00\x00\x00\x00\x00\x00\x80"}, "0x8000000000000000", `"0x8000000000000000"`},
		{"evt handle", value{t: tEvtHandle, s: "\x01\x02"}, "0102", `"0102"`},
		{"short value", value{t: tUint32, s: "\x01"}, "01", `"01"`},
		{"short sid", value{t: tSID, s: "\x01\x05\x00\x00\x00\x00\x00\x05"}, "0105000000000005", `"0105000000000005"`},
		{"string array", val(tArray|tString, "a\x00\x00\x00b\x00c\x00\x00\x00"), "a,bc", `["a","bc"]`},
		{"string array unterminated", val(tArray|tString, "a\x00\x00\x00b\x00"), "a,b", `["a","b"]`},
		{"ansi array", val(tArray|tAnsiString, "a\x00bc\x00"), "a,bc", `["a","bc"]`},
		{"uint16 array", val(tArray|tUint16, "\x01\x00\x02\x00"), "1,2", `[1,2]`},
		{"guid array", val(tArray|tGUID, string(make([]byte, 32))),
			"{00000000-0000-0000-0000-000000000000},{00000000-0000-0000-0000-000000000000}",
			`["00000000-0000-0000-0000-000000000000","00000000-0000-0000-0000-000000000000"]`},
		{"hex64 array", val(tArray|tHexInt64, "\x01\x00\x00\x00\x00\x00\x00\x00"), "0x1", `["0x1"]`},
		{"sid array", val(tArray|tSID, "\x01\x00"), "0100", `["0100"]`},
	} {
		if got := tc.v.text(windowsStyle); got != tc.windows {
			t.Errorf("%s: Windows form %q, want %q", tc.name, got, tc.windows)
		}
		b, err := json.Marshal(tc.v.json())
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
		} else if string(b) != tc.json {
			t.Errorf("%s: JSON %s, want %s", tc.name, b, tc.json)
		}
	}
}

// The hand-written time format equals time.Format's, for any FILETIME.
func TestFormatTime(t *testing.T) {
	for _, ft := range []uint64{0, 1, 9999999, 133426200606015590, 2650467743999999999, 2650467744000000000, 1<<63 - 1, 1<<64 - 1} {
		tm := FileTime(ft)
		for st, layout := range map[style]string{windowsStyle: windowsTimeLayout, dumpStyle: dumpTimeLayout} {
			if got, want := formatTime(tm, st), tm.Format(layout); got != want {
				t.Errorf("FILETIME %d: %q, want %q", ft, got, want)
			}
		}
	}
}

// Strings decode the same whatever the mix of ASCII and other characters
// and wherever the fast path stops.
func TestUTF16(t *testing.T) {
	for _, s := range []string{"", "a", "abcd", "abcdefgh", "abcdé", "éabcdefg", "abc😀defgh", "abcdefg\u0080", "aé😀bcdefghij\u07ff\uffff"} {
		var b []byte
		for _, u := range utf16.Encode([]rune(s)) {
			b = append(b, byte(u), byte(u>>8))
		}
		if got := utf16String(append(b, 0, 0)); got != s {
			t.Errorf("%q: got %q", s, got)
		}
	}
	if got := utf16String([]byte{'a', 0, 0x00, 0xdc, 'b', 0}); got != "a\ufffdb" {
		t.Errorf("unpaired surrogate: %q", got)
	}
}
