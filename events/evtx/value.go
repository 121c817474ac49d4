package evtx

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Value types of binary XML substitutions ([MS-EVEN6] 2.2.12, libyal's
// "value types"). An array of a type has the type's code with 0x80 set.
const (
	tNull       = 0x00
	tString     = 0x01 // UTF-16LE
	tAnsiString = 0x02
	tInt8       = 0x03
	tUint8      = 0x04
	tInt16      = 0x05
	tUint16     = 0x06
	tInt32      = 0x07
	tUint32     = 0x08
	tInt64      = 0x09
	tUint64     = 0x0a
	tReal32     = 0x0b
	tReal64     = 0x0c
	tBool       = 0x0d // 32-bit
	tBinary     = 0x0e
	tGUID       = 0x0f
	tSizeT      = 0x10 // 4 or 8 bytes
	tFileTime   = 0x11
	tSysTime    = 0x12
	tSID        = 0x13
	tHexInt32   = 0x14
	tHexInt64   = 0x15
	tEvtHandle  = 0x20
	tBinXML     = 0x21 // nested binary XML, expanded into elements
	tEvtXML     = 0x23
	tArray      = 0x80
)

// value is one piece of text or one substitution value, self-contained (it
// does not point into the chunk buffer, which is reused): s holds the text
// of a string, or the raw little-endian bytes of any other type, which are
// formatted only when asked for.
type value struct {
	t byte
	s string
	x *fragment // binary XML (tBinXML): its content, decoded
}

// fragment is decoded binary XML: elements and template instances.
type fragment struct {
	items []item
}

// fixedSize is the size of a fixed-size type, 0 for variable-size ones.
func fixedSize(t byte) int {
	switch t {
	case tInt8, tUint8:
		return 1
	case tInt16, tUint16:
		return 2
	case tInt32, tUint32, tReal32, tBool, tHexInt32:
		return 4
	case tInt64, tUint64, tReal64, tFileTime, tHexInt64:
		return 8
	case tGUID, tSysTime:
		return 16
	}
	return 0
}

// newValue copies a substitution's bytes into a value, decoding strings
// once (they are the commonest type and always rendered).
func newValue(t byte, b []byte) value {
	return value{t: t, s: string(appendValue(nil, t, b))}
}

// appendValue appends what a value's s holds to dst: strings decoded to
// UTF-8, other types their raw bytes.
func appendValue(dst []byte, t byte, b []byte) []byte {
	switch t {
	case tString:
		return appendUTF16(dst, b)
	case tAnsiString:
		return appendANSI(dst, b)
	}
	return append(dst, b...)
}

// utf16String decodes UTF-16LE (see appendUTF16).
func utf16String(b []byte) string {
	var stack [256]byte
	return string(appendUTF16(stack[:0], b))
}

// appendUTF16 decodes UTF-16LE, dropping the NUL terminators Windows
// leaves at the end of many strings (no renderer shows them). Unpaired
// surrogates become U+FFFD.
func appendUTF16(dst []byte, b []byte) []byte {
	n := len(b) / 2
	for n > 0 && b[2*n-2] == 0 && b[2*n-1] == 0 {
		n--
	}
	b = b[:2*n]
	// ASCII, nearly all of an event log, is copied in tight loops, four
	// code units at a time while they last.
	start := len(dst)
	dst = slices.Grow(dst, n)[:start+n]
	out := dst[start:]
	i := 0
	for ; i+4 <= n; i += 4 {
		w := binary.LittleEndian.Uint64(b[2*i:])
		if w&0xff80ff80ff80ff80 != 0 {
			break
		}
		out[i], out[i+1], out[i+2], out[i+3] = byte(w), byte(w>>16), byte(w>>32), byte(w>>48)
	}
	for ; i < n; i++ {
		lo, hi := b[2*i], b[2*i+1]
		if hi|lo&0x80 != 0 {
			break
		}
		out[i] = lo
	}
	dst = dst[:start+i]
	for ; i < n; i++ {
		u := rune(b[2*i]) | rune(b[2*i+1])<<8
		switch {
		case u < 0x80:
			dst = append(dst, byte(u))
			continue
		case u >= 0xd800 && u < 0xdc00 && i+1 < n:
			u2 := rune(b[2*i+2]) | rune(b[2*i+3])<<8
			if r := utf16.DecodeRune(u, u2); r != utf8.RuneError {
				dst = utf8.AppendRune(dst, r)
				i++
				continue
			}
			u = utf8.RuneError
		case utf16.IsSurrogate(u):
			u = utf8.RuneError
		}
		dst = utf8.AppendRune(dst, u)
	}
	return dst
}

// appendANSI decodes an 8-bit string: UTF-8 when it is valid, else each
// byte as the Latin-1 character (the code page is not recorded in the
// file).
func appendANSI(dst []byte, b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	if utf8.Valid(b) {
		return append(dst, b...)
	}
	for _, c := range b {
		dst = utf8.AppendRune(dst, rune(c))
	}
	return dst
}

func ansiString(b []byte) string { return string(appendANSI(nil, b)) }

// style selects how a value is written: as Windows renders it in event XML
// (the flat fields) or as EVTX dump tools write it in JSON.
type style int

const (
	windowsStyle style = iota
	dumpStyle
)

// text renders a value as text in the given style.
func (v value) text(st style) string {
	switch v.t {
	case tNull:
		return ""
	case tString, tAnsiString:
		return v.s
	}
	return string(v.appendText(nil, st))
}

// appendText appends a value's text in the given style to dst: the
// renderings write many values into one buffer, so that formatting a
// number, GUID, SID or time costs no allocation of its own.
func (v value) appendText(dst []byte, st style) []byte {
	if v.t&tArray != 0 {
		for i, p := range v.elements() {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = p.appendText(dst, st)
		}
		return dst
	}
	s := v.s
	// u reads n little-endian bytes of s (its length checked by the caller).
	u := func(n int) uint64 {
		var x uint64
		for i := n - 1; i >= 0; i-- {
			x = x<<8 | uint64(s[i])
		}
		return x
	}
	switch v.t {
	case tNull:
		return dst
	case tString, tAnsiString:
		return append(dst, s...)
	case tInt8:
		if len(s) >= 1 {
			return strconv.AppendInt(dst, int64(int8(s[0])), 10)
		}
	case tUint8:
		if len(s) >= 1 {
			return strconv.AppendUint(dst, uint64(s[0]), 10)
		}
	case tInt16:
		if len(s) >= 2 {
			return strconv.AppendInt(dst, int64(int16(u(2))), 10)
		}
	case tUint16:
		if len(s) >= 2 {
			return strconv.AppendUint(dst, u(2), 10)
		}
	case tInt32:
		if len(s) >= 4 {
			return strconv.AppendInt(dst, int64(int32(u(4))), 10)
		}
	case tUint32:
		if len(s) >= 4 {
			return strconv.AppendUint(dst, u(4), 10)
		}
	case tInt64:
		if len(s) >= 8 {
			return strconv.AppendInt(dst, int64(u(8)), 10)
		}
	case tUint64:
		if len(s) >= 8 {
			return strconv.AppendUint(dst, u(8), 10)
		}
	case tReal32:
		if len(s) >= 4 {
			return strconv.AppendFloat(dst, float64(math.Float32frombits(uint32(u(4)))), 'g', -1, 32)
		}
	case tReal64:
		if len(s) >= 8 {
			return strconv.AppendFloat(dst, math.Float64frombits(u(8)), 'g', -1, 64)
		}
	case tBool:
		if len(s) >= 4 {
			return strconv.AppendBool(dst, u(4) != 0)
		}
	case tGUID:
		if len(s) >= 16 {
			if st == windowsStyle {
				return append(appendGUID(append(dst, '{'), s), '}')
			}
			return appendGUID(dst, s)
		}
	case tSizeT:
		if len(s) == 4 || len(s) == 8 {
			return strconv.AppendUint(append(dst, "0x"...), u(len(s)), 16)
		}
	case tHexInt32:
		if len(s) >= 4 {
			return strconv.AppendUint(append(dst, "0x"...), u(4), 16)
		}
	case tHexInt64:
		if len(s) >= 8 {
			return strconv.AppendUint(append(dst, "0x"...), u(8), 16)
		}
	case tFileTime:
		if len(s) >= 8 {
			return appendTime(dst, FileTime(u(8)), st)
		}
	case tSysTime:
		if t, ok := systemTime([]byte(s)); ok {
			return appendTime(dst, t, st)
		}
	case tSID:
		if out, ok := appendSID(dst, s); ok {
			return out
		}
	}
	// Binary, handles, EvtXml, and any value too short for its type: the
	// bytes in hex, so nothing is lost.
	const digits = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		dst = append(dst, digits[s[i]>>4], digits[s[i]&15])
	}
	return dst
}

// json renders a value as EVTX dump tools put it in JSON: integers,
// reals and booleans as JSON numbers and booleans, arrays as arrays, the
// rest as the same text as text(dumpStyle).
func (v value) json() any {
	if v.t&tArray != 0 {
		parts := v.elements()
		out := make([]any, len(parts))
		for i, p := range parts {
			out[i] = p.json()
		}
		return out
	}
	if v.t == tNull {
		return nil
	}
	if fixedSize(v.t) != 0 && len(v.s) < fixedSize(v.t) {
		return v.text(dumpStyle)
	}
	b := []byte(v.s)
	le := binary.LittleEndian
	switch v.t {
	case tInt8:
		return int64(int8(b[0]))
	case tUint8:
		return uint64(b[0])
	case tInt16:
		return int64(int16(le.Uint16(b)))
	case tUint16:
		return uint64(le.Uint16(b))
	case tInt32:
		return int64(int32(le.Uint32(b)))
	case tUint32:
		return uint64(le.Uint32(b))
	case tInt64:
		return int64(le.Uint64(b))
	case tUint64:
		return le.Uint64(b)
	case tReal32, tReal64:
		f := float64(math.Float32frombits(le.Uint32(b)))
		if v.t == tReal64 {
			f = math.Float64frombits(le.Uint64(b))
		}
		if math.IsNaN(f) || math.IsInf(f, 0) { // not representable in JSON
			return v.text(dumpStyle)
		}
		return f
	case tBool:
		return le.Uint32(b) != 0
	}
	return v.text(dumpStyle)
}

// elements splits an array value into its elements: fixed-size types by
// size, strings at their NUL terminators, anything else (arrays of SIDs,
// binary: no delimiter is defined) as one binary element.
func (v value) elements() []value {
	t := v.t &^ tArray
	b := v.s
	var out []value
	switch {
	case fixedSize(t) != 0:
		n := fixedSize(t)
		for len(b) >= n {
			out = append(out, value{t: t, s: b[:n]})
			b = b[n:]
		}
	case t == tString:
		raw := []byte(b)
		for len(raw) >= 2 {
			end := 0
			for end+1 < len(raw) && (raw[end] != 0 || raw[end+1] != 0) {
				end += 2
			}
			out = append(out, value{t: t, s: utf16String(raw[:end])})
			if end+2 > len(raw) {
				break
			}
			raw = raw[end+2:]
		}
	case t == tAnsiString:
		for _, s := range strings.Split(strings.TrimRight(b, "\x00"), "\x00") {
			out = append(out, value{t: t, s: ansiString([]byte(s))})
		}
	default:
		out = append(out, value{t: tBinary, s: b})
	}
	return out
}

// FileTime converts a Windows FILETIME (100-nanosecond intervals since
// 1601-01-01 UTC) to a time.
func FileTime(ft uint64) time.Time {
	const epochDiff = 11644473600 // seconds from 1601 to 1970
	sec := int64(ft/1e7) - epochDiff
	return time.Unix(sec, int64(ft%1e7)*100).UTC()
}

// systemTime reads a SYSTEMTIME: eight 16-bit fields, year, month, day of
// the week, day, hour, minute, second, milliseconds.
func systemTime(b []byte) (time.Time, bool) {
	if len(b) < 16 {
		return time.Time{}, false
	}
	f := func(i int) int { return int(binary.LittleEndian.Uint16(b[2*i:])) }
	return time.Date(f(0), time.Month(f(1)), f(3), f(4), f(5), f(6), f(7)*1e6, time.UTC), true
}

// Windows writes times in event XML with seven decimals (FILETIME's
// resolution); dump tools write six.
const (
	windowsTimeLayout = "2006-01-02T15:04:05.0000000Z"
	dumpTimeLayout    = "2006-01-02T15:04:05.000000Z"
)

// formatTime writes a time in one of the layouts above.
func formatTime(t time.Time, st style) string { return string(appendTime(nil, t, st)) }

// appendTime writes the layouts above by hand: it is done for every
// record, and time.Format is several times slower. Years outside 0–9999
// (only in damaged values) go through time.AppendFormat.
func appendTime(dst []byte, t time.Time, st style) []byte {
	layout := windowsTimeLayout
	if st == dumpStyle {
		layout = dumpTimeLayout
	}
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(dst, layout)
	}
	hour, min, sec := t.Clock()
	var b [28]byte
	put := func(at, v, width int) {
		for i := at + width - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, year, 4)
	b[4] = '-'
	put(5, int(month), 2)
	b[7] = '-'
	put(8, day, 2)
	b[10] = 'T'
	put(11, hour, 2)
	b[13] = ':'
	put(14, min, 2)
	b[16] = ':'
	put(17, sec, 2)
	b[19] = '.'
	frac, n := t.Nanosecond()/100, 7
	if st == dumpStyle {
		frac, n = t.Nanosecond()/1000, 6
	}
	put(20, frac, n)
	b[20+n] = 'Z'
	return append(dst, b[:21+n]...)
}

// guidString writes a GUID in its registry form, upper case, without
// braces: the first three fields are little-endian.
func guidString(b []byte) string { return string(appendGUID(nil, string(b))) }

func appendGUID(dst []byte, b string) []byte {
	const digits = "0123456789ABCDEF"
	for _, j := range [...]int{3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15} {
		if j < 0 {
			dst = append(dst, '-')
			continue
		}
		dst = append(dst, digits[b[j]>>4], digits[b[j]&15])
	}
	return dst
}

// sidString writes a SID as S-revision-authority-subauthorities: the
// authority is 48-bit big-endian, the subauthorities 32-bit little-endian.
func sidString(b []byte) (string, bool) {
	out, ok := appendSID(nil, string(b))
	return string(out), ok
}

func appendSID(dst []byte, b string) ([]byte, bool) {
	if len(b) < 8 {
		return dst, false
	}
	n := int(b[1])
	if len(b) < 8+4*n {
		return dst, false
	}
	var auth uint64
	for i := 2; i < 8; i++ {
		auth = auth<<8 | uint64(b[i])
	}
	dst = strconv.AppendUint(append(dst, "S-"...), uint64(b[0]), 10)
	dst = append(dst, '-')
	if auth >= 1<<32 {
		dst = append(dst, "0x"...)
		start := len(dst)
		dst = strconv.AppendUint(dst, auth, 16)
		for i := start; i < len(dst); i++ {
			if 'a' <= dst[i] && dst[i] <= 'f' {
				dst[i] -= 'a' - 'A'
			}
		}
	} else {
		dst = strconv.AppendUint(dst, auth, 10)
	}
	for i := 0; i < n; i++ {
		at := 8 + 4*i
		sub := uint64(b[at]) | uint64(b[at+1])<<8 | uint64(b[at+2])<<16 | uint64(b[at+3])<<24
		dst = strconv.AppendUint(append(dst, '-'), sub, 10)
	}
	return dst, true
}
