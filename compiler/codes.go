package compiler

import (
	"github.com/cartrans/cartrans/parser/check"
	"github.com/cartrans/cartrans/parser/lexer"
	"github.com/cartrans/cartrans/parser/pseudo"
)

// Codes describes every diagnostic code of the pseudocode front end, in
// a line each; docs/pseudocode.md gives each an example (a test checks the
// document names them all).
var Codes = map[string]string{
	lexer.CodeBadChar:         "a character that cannot start a token",
	lexer.CodeSmartQuote:      "smart quotes read as straight quotes",
	lexer.CodeClosingQuote:    "a string's closing quote missing at the end of its line, added",
	lexer.CodeOpeningQuote:    "a string's opening quote missing, added",
	lexer.CodeStrayQuote:      "a doubled closing quote, dropped",
	lexer.CodeMissingParen:    "parentheses left open at the end of a statement, closed",
	lexer.CodeExtraParen:      "closing parentheses too many at the end of a statement, dropped",
	lexer.CodeUnmatchedParen:  "a closing parenthesis inside a statement that closes nothing",
	pseudo.CodeSyntax:         "syntax error",
	pseudo.CodeTooDeep:        "nesting deeper than the parser accepts",
	pseudo.CodeAssignEq:       "'=' used to compare, read as '=='",
	pseudo.CodeSearchAnd:      "'and' between a search's sources, read as 'or'",
	pseudo.CodeUnquoted:       "an unquoted value, read as a string",
	pseudo.CodeMissingComma:   "a comma missing between select items, added",
	pseudo.CodeBareCondition:  "a condition standing alone in a block with other statements",
	check.CodeUnknownObject:   "an object the CAR data model does not have",
	check.CodeUnknownAction:   "an action the object does not have",
	check.CodeUnknownField:    "a field the events do not carry",
	check.CodeUndefined:       "a name used before it is defined",
	check.CodeUnused:          "a dataset defined and never used",
	check.CodeNoOutput:        "no output statement",
	check.CodeJoinSide:        "a join condition's field that does not name its side",
	check.CodeBadRegexp:       "a regular expression RE2 cannot compile",
	check.CodeCIDRField:       "an address block compared with what is not an address",
	check.CodeTypeMismatch:    "values of kinds that cannot be compared",
	check.CodeUnknownFunction: "a function the language does not have",
	check.CodeEllipsis:        "a list ending in '...'",
	check.CodeBaseName:        "a base-name field (exe) compared with a path",
	check.CodeNotDataset:      "a list, parameter or value used as a dataset",
	CodeUnknownAnalytic:       "'run' of an analytic not among the inputs",
	CodeCycle:                 "analytics that run each other in a cycle",
}
