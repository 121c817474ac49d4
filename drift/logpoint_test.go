package drift

import (
	"testing"
)

func TestReadLogPoint(t *testing.T) {
	checkReads(t, ReadLogPoint, []readCase{
		{`norm_id=WindowsSysmon event_id=1 image="*\cmd.exe" -parent_image="C:\Windows\explorer.exe"`,
			`and(norm_id="WindowsSysmon"/i event_id="1"/i image="*\\cmd.exe"/i not(parent_image="C:\\Windows\\explorer.exe"/i))`, ""},
		{`event_id IN [12, 13] image in ["*\a.exe", '*\"b".exe']`,
			`and(or(event_id="12"/i event_id="13"/i) or(image="*\\a.exe"/i image="*\\\"b\".exe"/i))`, ""},
		{`EventCode IN "5857" (a=1 OR b=2) NOT c=3`, `and(EventCode="5857"/i or(a="1"/i b="2"/i) not(c="3"/i))`, ""},
		{`norm_id=X | process regex("(?i)^.*\\cmd\.exe$", image, "filter=true")`, `and(norm_id="X"/i image=re:"(?i)^.*\\\\cmd\\.exe$")`, ""},
		{`event_id=1 | chart count() as cnt by host | search cnt > 1`, `event_id="1"/i`, "chart count() as cnt by host"},
		{`event_id=1 | fields log_ts, host`, `event_id="1"/i`, "fields log_ts, host"},
		// "-" before a group or a quoted field negates it, as the logpoint
		// backend writes; keywords in any case (lang/logpoint).
		{`a=1 -(b=2 OR c=3) -"process"="x" Not d=4`, `and(a="1"/i not(or(b="2"/i c="3"/i)) not(process="x"/i) not(d="4"/i))`, ""},
	})
	checkReadErrors(t, ReadLogPoint, []errCase{
		{`a IN ["x", "y")`, 14, "the IN list opened with [ ends with )"},
		{`a IN ["x"`, 9, "unterminated IN list"},
		{`(a=1`, 0, "unbalanced parenthesis"},
		{`a="x`, 2, "unterminated string"},
		{`()`, 0, "empty parentheses"},
	})
}

func FuzzReadLogPoint(f *testing.F) {
	for _, s := range []string{`norm_id=X event_id IN [1, 2] -image="*\a"`, `a | process regex("x", f, "filter=true")`, `(a OR b) NOT c | chart count() by d`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		query, err := ReadLogPoint(q)
		if err == nil {
			_ = query.Where.String()
		}
	})
}
