package sigma

import "github.com/cartrans/cartrans/diag"

// Mod is a value modifier of the specification's modifiers appendix, by
// its canonical name (wide reads as utf16le).
type Mod string

// The modifiers of sigma-appendix-modifiers.md.
const (
	// Generic modifiers.
	ModAll        Mod = "all"
	ModStartsWith Mod = "startswith"
	ModEndsWith   Mod = "endswith"
	ModContains   Mod = "contains"
	ModExists     Mod = "exists"
	ModCased      Mod = "cased"
	ModNeq        Mod = "neq"
	// String modifiers.
	ModWindash Mod = "windash"
	ModRe      Mod = "re"
	ModReI     Mod = "i" // re sub-modifiers
	ModReM     Mod = "m"
	ModReS     Mod = "s"
	ModBase64  Mod = "base64"
	ModB64Off  Mod = "base64offset"
	ModUTF16LE Mod = "utf16le"
	ModUTF16BE Mod = "utf16be"
	ModUTF16   Mod = "utf16"
	// Numeric modifiers.
	ModLt  Mod = "lt"
	ModLte Mod = "lte"
	ModGt  Mod = "gt"
	ModGte Mod = "gte"
	// Time modifiers: a part of a date, as a number.
	ModMinute Mod = "minute"
	ModHour   Mod = "hour"
	ModDay    Mod = "day"
	ModWeek   Mod = "week"
	ModMonth  Mod = "month"
	ModYear   Mod = "year"
	// IP modifiers.
	ModCIDR Mod = "cidr"
	// Specific modifiers.
	ModExpand   Mod = "expand"
	ModFieldRef Mod = "fieldref"
)

// Modifier is a modifier as written on a field item.
type Modifier struct {
	Mod Mod
	// Written is the name as the rule spells it ("wide" for utf16le).
	Written string
	Pos     diag.Pos
}

// modClass groups modifiers for the combination rules.
type modClass int

const (
	classGeneric  modClass = iota // all, cased, neq
	classMatch                    // contains, startswith, endswith
	classExists                   // exists
	classString                   // windash, expand
	classEncoding                 // utf16*, base64, base64offset
	classRe                       // re
	classReFlag                   // i, m, s
	classCompare                  // lt, lte, gt, gte
	classTime                     // minute ... year
	classCIDR                     // cidr
	classFieldRef                 // fieldref
	classCount
)

type modInfo struct {
	mod   Mod
	class modClass
	bit   uint // a distinct bit per Mod, set by init
}

var modifiers = map[string]modInfo{
	"all": {mod: ModAll, class: classGeneric}, "cased": {mod: ModCased, class: classGeneric}, "neq": {mod: ModNeq, class: classGeneric},
	"contains": {mod: ModContains, class: classMatch}, "startswith": {mod: ModStartsWith, class: classMatch}, "endswith": {mod: ModEndsWith, class: classMatch},
	"exists":  {mod: ModExists, class: classExists},
	"windash": {mod: ModWindash, class: classString}, "expand": {mod: ModExpand, class: classString},
	"base64": {mod: ModBase64, class: classEncoding}, "base64offset": {mod: ModB64Off, class: classEncoding},
	"utf16le": {mod: ModUTF16LE, class: classEncoding}, "wide": {mod: ModUTF16LE, class: classEncoding},
	"utf16be": {mod: ModUTF16BE, class: classEncoding}, "utf16": {mod: ModUTF16, class: classEncoding},
	"re": {mod: ModRe, class: classRe}, "i": {mod: ModReI, class: classReFlag}, "m": {mod: ModReM, class: classReFlag}, "s": {mod: ModReS, class: classReFlag},
	"lt": {mod: ModLt, class: classCompare}, "lte": {mod: ModLte, class: classCompare}, "gt": {mod: ModGt, class: classCompare}, "gte": {mod: ModGte, class: classCompare},
	"minute": {mod: ModMinute, class: classTime}, "hour": {mod: ModHour, class: classTime}, "day": {mod: ModDay, class: classTime},
	"week": {mod: ModWeek, class: classTime}, "month": {mod: ModMonth, class: classTime}, "year": {mod: ModYear, class: classTime},
	"cidr":     {mod: ModCIDR, class: classCIDR},
	"fieldref": {mod: ModFieldRef, class: classFieldRef},
}

func init() {
	bits := map[Mod]uint{}
	for _, name := range modifierNames {
		m := modifiers[name]
		b, ok := bits[m.mod]
		if !ok {
			b = uint(len(bits))
			bits[m.mod] = b
		}
		m.bit = b
		modifiers[name] = m
	}
}

// modifierNames lists the names in the appendix's order, for did-you-mean.
var modifierNames = []string{
	"all", "startswith", "endswith", "contains", "exists", "cased", "neq",
	"windash", "re", "i", "m", "s", "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide",
	"lt", "lte", "gt", "gte", "minute", "hour", "day", "week", "month", "year",
	"cidr", "expand", "fieldref",
}

// timeRange is each time part's range, from the appendix's "Time
// Modifiers" (year has none).
var timeRange = map[Mod][2]int64{
	ModMinute: {0, 59}, ModHour: {0, 23}, ModDay: {1, 31}, ModWeek: {1, 52}, ModMonth: {1, 12},
}
