//go:build !unix

package evtx

// cpuTime is not measured here: the benchmark reports wall-clock rates only.
func cpuTime() float64 { return 0 }
