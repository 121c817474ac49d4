package pseudo_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/parser/pseudo"
)

// BenchmarkParse parses programs of growing size; MB/s stays level when
// parsing is linear in the input (the README reports the figures).
func BenchmarkParse(b *testing.B) {
	stmt := `x%d = filter processes where (exe == "cmd.exe" and parent_exe != "explorer.exe" or command_line match "-R .* -pw" and dest_port in [80, 443])` + "\n"
	for _, n := range []int{10, 100, 1000, 10000} {
		var src strings.Builder
		src.WriteString("processes = search Process:Create\n")
		for i := range n {
			fmt.Fprintf(&src, stmt, i)
		}
		text := src.String()
		b.Run(fmt.Sprintf("statements=%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				if _, d := pseudo.Parse(text, pseudo.Base{File: "f", Line: 1}); d.HasErrors() {
					b.Fatal(d)
				}
			}
		})
	}
}
