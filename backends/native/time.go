package native

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// eventTime reads an event's time from the first of the schema's time
// fields it carries: RFC 3339 (Windows' SystemTime is one), Sysmon's
// UtcTime ("2019-05-18 22:01:37.466", UTC), or epoch seconds or
// milliseconds. Zero when none reads.
func eventTime(s *Schema, fields map[string]string) time.Time {
	for _, f := range s.Time {
		if v, ok := fields[f]; ok {
			if t, ok := parseTime(v); ok {
				return t
			}
		}
	}
	return time.Time{}
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05Z07:00"}

func parseTime(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, v); err == nil {
			return t, true
		}
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n > 0 {
		switch {
		case n > 1e17: // nanoseconds
			return time.Unix(0, int64(n)).UTC(), true
		case n > 1e14: // microseconds
			return time.UnixMicro(int64(n)).UTC(), true
		case n > 1e11: // milliseconds
			return time.UnixMilli(int64(n)).UTC(), true
		default:
			sec, frac := int64(n), n-float64(int64(n))
			return time.Unix(sec, int64(frac*1e9)).UTC(), true
		}
	}
	return time.Time{}, false
}

func parseAddr(v string) (netip.Addr, error) { return netip.ParseAddr(strings.TrimSpace(v)) }
