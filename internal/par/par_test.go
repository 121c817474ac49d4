package par

import (
	"runtime"
	"testing"

	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
)

// TestEach: every index is visited exactly once, whatever the number of
// workers, so results written by index come out in input order.
func TestEach(t *testing.T) {
	for _, procs := range []int{1, 2, 8} {
		old := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 3, 1000} {
			seen := make([]int, n)
			Each(n, func(i int) { seen[i]++ })
			for i, c := range seen {
				if c != 1 {
					t.Fatalf("GOMAXPROCS %d, n %d: index %d visited %d times", procs, n, i, c)
				}
			}
		}
		runtime.GOMAXPROCS(old)
	}
}
