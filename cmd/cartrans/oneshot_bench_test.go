package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkOneShot runs the command as a user does, one process per
// conversion of the shipped example to all four backends. (Its peak
// memory is not measured here: a child started by a Go process shares
// the parent's memory until exec, which the kernel counts into the
// child's peak; the README measures it with /usr/bin/time.) The binary is built as the
// README's install builds it (CGO_ENABLED=0: a static binary, which needs
// no dynamic loader at start); "empty" is a Go program that does nothing,
// the floor of any Go process on the machine.
func BenchmarkOneShot(b *testing.B) {
	dir := b.TempDir()
	build := func(name, pkg string) string {
		out := filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-o", out, pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go build %s: %v\n%s", pkg, err, msg)
		}
		return out
	}
	empty := filepath.Join(dir, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(empty, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(empty, "go.mod"), []byte("module empty\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	cartrans := build("cartrans", ".")
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "emptybin"), ".")
	cmd.Dir, cmd.Env = empty, append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build empty: %v\n%s", err, msg)
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"convert", []string{cartrans, "convert", example}},
		{"empty", []string{filepath.Join(dir, "emptybin")}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := exec.Command(c.args[0], c.args[1:]...).Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
