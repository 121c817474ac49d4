// Package suggest finds the nearest known word to a misspelt one, for the
// did-you-mean hints of readers and the checker.
package suggest

// Distance is the Levenshtein distance between a and b, counted in bytes.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Closest returns the candidate nearest to word within maxDist edits, and
// false when none is that near. Ties go to the earlier candidate, so callers
// pass candidates in a stable order.
func Closest(word string, candidates []string, maxDist int) (string, bool) {
	best, bestDist, found := "", maxDist+1, false
	for _, c := range candidates {
		if d := Distance(word, c); d < bestDist {
			best, bestDist, found = c, d, true
		}
	}
	return best, found
}
