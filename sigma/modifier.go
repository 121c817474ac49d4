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

var modifiers = map[string]struct {
	mod   Mod
	class modClass
}{
	"all": {ModAll, classGeneric}, "cased": {ModCased, classGeneric}, "neq": {ModNeq, classGeneric},
	"contains": {ModContains, classMatch}, "startswith": {ModStartsWith, classMatch}, "endswith": {ModEndsWith, classMatch},
	"exists":  {ModExists, classExists},
	"windash": {ModWindash, classString}, "expand": {ModExpand, classString},
	"base64": {ModBase64, classEncoding}, "base64offset": {ModB64Off, classEncoding},
	"utf16le": {ModUTF16LE, classEncoding}, "wide": {ModUTF16LE, classEncoding},
	"utf16be": {ModUTF16BE, classEncoding}, "utf16": {ModUTF16, classEncoding},
	"re": {ModRe, classRe}, "i": {ModReI, classReFlag}, "m": {ModReM, classReFlag}, "s": {ModReS, classReFlag},
	"lt": {ModLt, classCompare}, "lte": {ModLte, classCompare}, "gt": {ModGt, classCompare}, "gte": {ModGte, classCompare},
	"minute": {ModMinute, classTime}, "hour": {ModHour, classTime}, "day": {ModDay, classTime},
	"week": {ModWeek, classTime}, "month": {ModMonth, classTime}, "year": {ModYear, classTime},
	"cidr":     {ModCIDR, classCIDR},
	"fieldref": {ModFieldRef, classFieldRef},
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
