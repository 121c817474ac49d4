//go:build unix

package evtx

import "syscall"

// cpuTime is the processor time the process has used, in seconds: the
// benchmark reports records per processor-second beside records per
// second, since the wall clock of a shared machine says little.
func cpuTime() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
