package evtx

import (
	"encoding/json"
	"testing"
)

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
		{"null", value{tNull, ""}, "", "null"},
		{"string", newValue(tString, []byte{'h', 0, 0xe9, 0, 0, 0}), "hé", `"hé"`},
		{"surrogate pair", newValue(tString, []byte{0x3d, 0xd8, 0x00, 0xde}), "😀", `"😀"`},
		{"ansi", newValue(tAnsiString, []byte("abc\x00")), "abc", `"abc"`},
		{"ansi latin-1", newValue(tAnsiString, []byte{0xe9}), "é", `"é"`},
		{"int8", value{tInt8, "\xff"}, "-1", "-1"},
		{"uint8", value{tUint8, "\xff"}, "255", "255"},
		{"int16", value{tInt16, "\xfe\xff"}, "-2", "-2"},
		{"uint16", value{tUint16, "\x0b\x00"}, "11", "11"},
		{"int32", value{tInt32, "\xfd\xff\xff\xff"}, "-3", "-3"},
		{"uint32", value{tUint32, "\xff\xff\xff\xff"}, "4294967295", "4294967295"},
		{"int64", value{tInt64, "\xfc\xff\xff\xff\xff\xff\xff\xff"}, "-4", "-4"},
		{"uint64", value{tUint64, "\xff\xff\xff\xff\xff\xff\xff\xff"}, "18446744073709551615", "18446744073709551615"},
		{"real32", value{tReal32, "\x00\x00\xc0\x3f"}, "1.5", "1.5"},
		{"real64", value{tReal64, "\x00\x00\x00\x00\x00\x00\x04\x40"}, "2.5", "2.5"},
		{"real64 NaN", value{tReal64, "\x01\x00\x00\x00\x00\x00\xf8\x7f"}, "NaN", `"NaN"`},
		{"bool", value{tBool, "\x01\x00\x00\x00"}, "true", "true"},
		{"bool false", value{tBool, "\x00\x00\x00\x00"}, "false", "false"},
		{"binary", value{tBinary, "\x01\xab"}, "01AB", `"01AB"`},
		{"guid", value{tGUID, "\x5f\x38\x70\x57\x2a\xc2\xe0\x43\xbf\x4c\x06\xf5\x69\x8f\xfb\xd9"},
			"{5770385F-C22A-43E0-BF4C-06F5698FFBD9}", `"5770385F-C22A-43E0-BF4C-06F5698FFBD9"`},
		{"size 4", value{tSizeT, "\x10\x00\x00\x00"}, "0x10", `"0x10"`},
		{"size 8", value{tSizeT, "\x10\x00\x00\x00\x00\x00\x00\x01"}, "0x100000000000010", `"0x100000000000010"`},
		{"filetime", value{tFileTime, string(le.AppendUint64(nil, 133426200606015590))},
			"2023-10-24T11:21:00.6015590Z", `"2023-10-24T11:21:00.601559Z"`},
		{"systemtime", value{tSysTime, string(sysTime)}, "2025-10-24T23:41:00.6010000Z", `"2025-10-24T23:41:00.601000Z"`},
		{"sid", value{tSID, "\x01\x02\x00\x00\x00\x00\x00\x05\x20\x00\x00\x00\x20\x02\x00\x00"}, "S-1-5-32-544", `"S-1-5-32-544"`},
		{"sid large authority", value{tSID, "\x01\x00\x01\x00\x00\x00\x00\x00"}, "S-1-0x10000000000", `"S-1-0x10000000000"`},
		{"hex32", value{tHexInt32, "\xff\xff\x1f\x00"}, "0x1fffff", `"0x1fffff"`},
		{"hex64", value{tHexInt64, "\x00\x00\x00\x00\x00\x00\x00\x80"}, "0x8000000000000000", `"0x8000000000000000"`},
		{"evt handle", value{tEvtHandle, "\x01\x02"}, "0102", `"0102"`},
		{"short value", value{tUint32, "\x01"}, "01", `"01"`},
		{"short sid", value{tSID, "\x01\x05\x00\x00\x00\x00\x00\x05"}, "0105000000000005", `"0105000000000005"`},
		{"string array", value{tArray | tString, "a\x00\x00\x00b\x00c\x00\x00\x00"}, "a,bc", `["a","bc"]`},
		{"string array unterminated", value{tArray | tString, "a\x00\x00\x00b\x00"}, "a,b", `["a","b"]`},
		{"ansi array", value{tArray | tAnsiString, "a\x00bc\x00"}, "a,bc", `["a","bc"]`},
		{"uint16 array", value{tArray | tUint16, "\x01\x00\x02\x00"}, "1,2", `[1,2]`},
		{"guid array", value{tArray | tGUID, string(make([]byte, 32))},
			"{00000000-0000-0000-0000-000000000000},{00000000-0000-0000-0000-000000000000}",
			`["00000000-0000-0000-0000-000000000000","00000000-0000-0000-0000-000000000000"]`},
		{"hex64 array", value{tArray | tHexInt64, "\x01\x00\x00\x00\x00\x00\x00\x00"}, "0x1", `["0x1"]`},
		{"sid array", value{tArray | tSID, "\x01\x00"}, "0100", `["0100"]`},
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
