// Package plural writes a count with its noun in the number it takes:
// "1 match", "2 matches".
package plural

import "fmt"

// N writes n and the noun: one when n is 1, else many.
func N(n int, one, many string) string {
	return fmt.Sprintf("%d %s", n, Word(n, one, many))
}

// Word is the word (a noun or a verb) that agrees with n: one when n is
// 1, else many.
func Word(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
