package pseudo

import (
	"strings"
	"time"
)

// Word classification, by hand rather than with regular expressions:
// every word of a program goes through these, and they run in a few
// nanoseconds each where a regexp takes hundreds.

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// isName reports a plain name: a letter or underscore, then letters,
// digits and underscores.
func isName(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isLetter(s[i]) && !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// isFieldPath reports names joined by dots: a, a.b.c.
func isFieldPath(s string) bool {
	for {
		part, rest, more := strings.Cut(s, ".")
		if !isName(part) {
			return false
		}
		if !more {
			return true
		}
		s = rest
	}
}

// isNumber reports digits with at most one decimal point inside.
func isNumber(s string) bool {
	int, frac, dot := strings.Cut(s, ".")
	return allDigits(int) && (!dot || allDigits(frac))
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// glueDuration reads a duration written as one word: 1sec, 30minutes.
func glueDuration(s string) (time.Duration, bool) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i == 0 || i == len(s) {
		return 0, false
	}
	unit, ok := durationUnits[strings.ToLower(s[i:])]
	if !ok {
		return 0, false
	}
	n := 0
	for _, c := range s[:i] {
		n = n*10 + int(c-'0')
		if n > 1<<20 {
			return 0, false
		}
	}
	return time.Duration(n) * unit, true
}

// isCIDR reports an IPv4 or IPv6 address block: 10.0.0.0/8, fe80::/10.
func isCIDR(s string) bool {
	addr, bits, ok := strings.Cut(s, "/")
	if !ok || !allDigits(bits) || len(bits) > 3 {
		return false
	}
	if strings.Contains(addr, ":") {
		for i := 0; i < len(addr); i++ {
			c := addr[i]
			if !isDigit(c) && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F') && c != ':' {
				return false
			}
		}
		return true
	}
	parts := strings.Split(addr, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if !allDigits(p) || len(p) > 3 {
			return false
		}
	}
	return true
}

// isCARID reports CAR-YYYY-MM-NNN.
func isCARID(s string) bool {
	return len(s) == 15 && strings.HasPrefix(s, "CAR-") && allDigits(s[4:8]) && s[8] == '-' &&
		allDigits(s[9:11]) && s[11] == '-' && allDigits(s[12:15])
}

// fileExts recognise a bare file name: "svchost.exe" is a value, not the
// field "exe" of a dataset "svchost".
var fileExts = map[string]bool{
	"exe": true, "dll": true, "sys": true, "bat": true, "cmd": true, "ps1": true, "psm1": true,
	"vbs": true, "vbe": true, "js": true, "jse": true, "wsf": true, "wsh": true, "hta": true,
	"msi": true, "scr": true, "cpl": true, "ocx": true, "com": true, "lnk": true, "inf": true,
	"dat": true, "dmp": true, "dit": true, "txt": true, "log": true, "xml": true, "json": true,
	"zip": true, "rar": true, "7z": true, "tmp": true, "ini": true, "reg": true, "evtx": true,
}

func hasFileExt(s string) bool {
	i := strings.LastIndexByte(s, '.')
	return i >= 0 && fileExts[strings.ToLower(s[i+1:])]
}

func isGlueDuration(s string) bool { _, ok := glueDuration(s); return ok }
