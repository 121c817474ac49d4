package evtx

// SyntheticFile is a file of the test records (every token kind,
// substitutions of several kinds, Sysmon-like records), for the tests of
// package evtx_test.
func SyntheticFile() []byte {
	c := newChunk()
	tokensRecord(c)
	d := newChunk()
	substitutionsRecord(d)
	s, _ := sysmonChunk(1)
	return file(c.bytes(), d.bytes(), s)
}

// SysmonFile is a file of n chunks full of Sysmon-like records, for the
// benchmarks of package evtx_test.
func SysmonFile(n int) []byte {
	c, _ := sysmonChunk(1)
	chunks := make([][]byte, n)
	for i := range chunks {
		chunks[i] = c
	}
	return file(chunks...)
}
