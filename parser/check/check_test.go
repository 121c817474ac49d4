package check_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cartrans/cartrans/diag"
	_ "github.com/cartrans/cartrans/internal/golden" // registers -update
	"github.com/cartrans/cartrans/parser/check"
	"github.com/cartrans/cartrans/parser/pseudo"
)

func checkSrc(t *testing.T, src string) (*check.Info, diag.List) {
	t.Helper()
	prog, d := pseudo.Parse(src, pseudo.Base{File: "f", Line: 1})
	if d.HasErrors() {
		t.Fatalf("%q does not parse: %v", src, d)
	}
	return check.Check(prog)
}

// TestDiagnostics: one program per check, with the diagnostic it must
// give (code, line:col and the suggestion), or none.
func TestDiagnostics(t *testing.T) {
	for _, c := range []struct {
		name, src, want string
		also            string // another diagnostic the program also gets
	}{
		{"clean", "p = search Process:Create\nx = filter p where exe == \"cmd.exe\" and parent_exe == \"services.exe\"\noutput x", "", ""},
		{"implicit fields", "p = search Process:Create\nx = filter p where hostname == \"h\" and time > now - 1 hour and fqdn == \"h.e\"\noutput x", "", ""},
		{"object spelling", "u = search User_Session:Login\nv = search UserSession:login\nw = search user_session:LOGIN\noutput u, v, w", "", ""},
		{"action spelling", "t = search Thread:RemoteCreate\noutput t", "", ""},
		{"unknown object", "p = search Proces:Create\noutput p", "1:12 E201 did you mean Process?", ""},
		{"unknown action", "r = search Registry:Edit\noutput r", "1:12 E202 did you mean value_edit or key_edit?", ""},
		{"unknown field", "p = search Process:Create\nx = filter p where comman_line == \"a\"\noutput x", "2:20 E203 did you mean command_line?", ""},
		{"field case", "r = search Registry:add\nx = filter r where Key == \"a\"\noutput x", "2:20 E203 did you mean key?", ""},
		{"field prefix", "p = search Process:Create\nx = filter p where parent_image == \"a\"\noutput x", "2:20 E203 did you mean parent_image_path?", ""},
		{"field words", "f = search Flow:Start\nx = filter f where port == 1\noutput x", "2:20 E203 did you mean dest_port or src_port?", ""},
		{"field of search where", "p = search Process:Create where exee == \"a\"\noutput p", "1:33 E203 did you mean exe?", ""},
		{"undefined dataset", "p = search Process:Create\nx = filter q where exe == \"a\"\noutput x", "2:12 E204 did you mean p?", "W205"},
		{"undefined output", "p = search Process:Create\nsmb_events = filter p where exe == \"a\"\noutput smb_write", "3:8 E204 did you mean smb_events, the only name not used?", "W205"},
		{"unused", "p = search Process:Create\nx = filter p where exe == \"a\"\ny = filter p where exe == \"b\"\noutput x", "3:1 W205 output it or delete it", ""},
		{"no output", "p = search Process:Create\nx = filter p where exe == \"a\"", "2:1 W206 add \"output x\"", ""},
		{"filter without source", "p = search Process:Create\nx = filter (exe == \"a\")\noutput x", "", ""},
		{"redefinition", "t = search Thread:remote_create\nt = filter (start_function == \"LoadLibraryA\")\nt = filter t where src_pid == 4\noutput t", "", ""},
		{"join", "a = search Process:Create\nb = search Flow:Start\nj = join (a, b) where a.pid == b.pid and a.time < b.time < a.time + 2 seconds\noutput j", "", ""},
		{"join field without side", "a = search Process:Create\nb = search Flow:Start\nj = join (a, b) where pid == b.pid\noutput j", "3:23 E207 write a or b before the field, as in a.field", ""},
		{"join other dataset", "a = search Process:Create\nb = search Flow:Start\nc = search File:Create\nj = join (a, b) where c.pid == b.pid\noutput j", "4:23 E207", ""},
		{"join side field", "a = search Process:Create\nb = search Flow:Start\nj = join (a, b) where a.pid == b.dest_prot\noutput j", "3:32 E203 did you mean dest_port?", ""},
		{"filter of join", "a = search Process:Create\nb = search Flow:Start\nj = join (a, b) where a.pid == b.pid\nk = filter j where a.exe == \"x\" and dest_port == 80\noutput k", "", ""},
		{"group and select", "u = search User_Session:Login\ng = group u by hostname\ns = from g select min(time) as first, count(user) as n\nm = filter s where n > 1 and first > now - 1 day\noutput m", "", ""},
		{"select closes fields", "p = search Process:Create\ns = from p select parent_exe\nx = filter s where exe == \"a\"\noutput x", "3:20 E203", ""},
		{"count by", "p = search Process:Create\nc = count(p) by exe\nx = filter c where count > 5 and exe == \"a\"\noutput x", "", ""},
		{"set difference", "p = search Process:Create\na = filter p where time < now - 1 day\nb = filter p where time >= now - 1 day\nn = a - b\noutput n", "", ""},
		{"list constant", "office = [\"winword.exe\", \"excel.exe\"]\np = search Process:Create\nx = filter p where parent_exe in office\noutput x", "", ""},
		{"input parameter", "input target\np = search Process:Create\nx = filter p where hostname == target\noutput x", "", ""},
		{"derived field", "f = search Flow:Message\nf.pipe = f.proto_info.pipe_name\nx = filter f where pipe == \"a\"\noutput x", "", ""},
		{"value as dataset", "l = [1, 2]\nx = filter l where a == 1\noutput x", "2:12 E216", ""},
		{"bad regexp", "p = search Process:Create\nx = filter p where command_line match \"a(b\"\noutput x", "2:39 E209", ""},
		{"cidr on non-address", "f = search Flow:Start\nx = filter f where dest_port == 10.0.0.0/8\noutput x", "2:33 E210", ""},
		{"cidr on address", "f = search Flow:Start\nx = filter f where dest_ip == 10.0.0.0/8\noutput x", "", ""},
		{"duration and string", "p = search Process:Create\nx = filter p where time > now - \"1 day\"\noutput x", "", ""},
		{"duration compared with string", "p = search Process:Create\nx = filter p where 1 day > \"x\"\noutput x", "2:28 E211", ""},
		{"unknown function", "p = search Process:Create\nx = filter p where user not in TOP30(user)\noutput x", "2:32 E213", ""},
		{"ellipsis", "l = [\"a\", ...]\np = search Process:Create\nx = filter p where exe in l\noutput x", "1:5 W214", ""},
		{"exe with a path", "p = search Process:Create\nx = filter p where exe == \"C:\\Windows\\cmd.exe\"\noutput x", "2:27 W215", ""},
		{"exe with a wildcard path", "p = search Process:Create\nx = filter p where exe == \"*\\cmd.exe\"\noutput x", "2:27 W215", ""},
		{"exe with a name", "p = search Process:Create\nx = filter p where exe == \"*cmd.exe\"\noutput x", "", ""},
		{"bare condition fields unchecked", "[event_code] == 4624 and logon_type == 10", "", ""},
	} {
		_, d := checkSrc(t, c.src)
		var main diag.List
		for _, x := range d {
			if c.also == "" || x.Code != c.also {
				main = append(main, x)
			}
		}
		got := ""
		if len(main) > 0 {
			got = strings.TrimSpace(strings.Join([]string{
				strings.TrimPrefix(main[0].Pos.String(), "f:"), main[0].Code, main[0].Suggestion}, " "))
		}
		if c.want == "" && len(d) > 0 || c.want != "" && !strings.HasPrefix(got, c.want) || len(main) > 1 || (c.also != "" && len(d) != 2) {
			t.Errorf("%s:\n%s\n got %v\nwant %s", c.name, c.src, d, c.want)
		}
	}
}

func TestInfo(t *testing.T) {
	info, _ := checkSrc(t, "p = search Process:Create\nx = filter (exe == \"a\")\ny = filter p where exe == \"b\"\noutput x, y")
	if len(info.Outputs) != 2 || info.Outputs[0].Name != "x" || info.Outputs[1].Name != "y" {
		t.Errorf("outputs %+v", info.Outputs)
	}
	for q, src := range info.Sources {
		if src.Name != "p" {
			t.Errorf("filter at %v reads %s, want p", q.At, src.Name)
		}
	}
	bare, _ := checkSrc(t, "[a] == 1")
	if !bare.Bare {
		t.Error("a bare condition is not marked Bare")
	}
}

// TestFixes: a diagnostic carries a Fix (the repair fmt --fix makes) only
// when its suggestion is certain, and the Fix's position and old text are
// exactly where the name is written, so that it can be applied.
func TestFixes(t *testing.T) {
	for _, c := range []struct {
		name, src string
		want      string // "line:col old→new", or "" for no Fix
	}{
		{"misspelt field", "p = search Process:Create\nx = filter p where comman_line == \"a\"\noutput x", "2:20 comman_line→command_line"},
		{"field of a join side", "a = search Process:Create\nb = search Flow:Start\nj = join (a, b) where a.pid == b.dest_prot\noutput j", "3:34 dest_prot→dest_port"},
		{"field case", "r = search Registry:add\nx = filter r where Key == \"a\"\noutput x", "2:20 Key→key"},
		{"field extended", "p = search Process:Create\nx = filter p where parent_image == \"a\"\noutput x", "2:20 parent_image→parent_image_path"},
		{"timestamp", "p = search Process:Create\nx = filter p where timestamp > now - 1 day\noutput x", "2:20 timestamp→time"},
		{"undefined dataset", "bcdedit_commands = search Process:Create\noutput bcedit_commands", "2:8 bcedit_commands→bcdedit_commands"},
		{"base name and full path", "p = search Process:Create\nx = filter p where exe == \"C:\\Windows\\System32\\net.exe\"\noutput x", "2:20 exe→image_path"},
		{"parent base name and full path", "p = search Process:Create\nx = filter p where parent_exe != \"C:\\Windows\\x.exe\"\noutput x", "2:20 parent_exe→parent_image_path"},
		{"every listed value a full path", "p = search Process:Create\nx = filter p where exe in [\"C:\\a\\x.exe\", \"D:/b/y.exe\"]\noutput x", "2:20 exe→image_path"},

		// Two candidates, or a guess: reported, never repaired.
		{"two fields by word", "f = search Flow:Start\nx = filter f where port == 1\noutput x", ""},
		{"two actions", "r = search Registry:Edit\noutput r", ""},
		{"field the name ends with", "p = search Process:Create\nx = filter p where my_parent_exe == \"a\"\noutput x", ""},
		{"short name", "p = search Process:Create\nx = filter p where uid == 1\noutput x", ""},
		{"two names as near", "abc_on1 = search Process:Create\nabc_on2 = search Process:Create\nx = filter abc_on where exe == \"a\"\noutput x, abc_on1, abc_on2", ""},
		{"only name not used", "p = search Process:Create\nsmb_events = filter p where exe == \"a\"\noutput smb_write", ""},
		{"relative path", "p = search Process:Create\nx = filter p where exe == \"System32\\net.exe\"\noutput x", ""},
		{"listed values mixed", "p = search Process:Create\nx = filter p where exe in [\"C:\\a\\x.exe\", \"y.exe\"]\noutput x", ""},
		{"base name of a join side", "a = search Process:Create\nb = search Flow:Start\nj = join (a, b) where a.exe == \"C:\\x.exe\" and a.pid == b.pid\noutput j", ""},
	} {
		_, diags := checkSrc(t, c.src)
		var got []string
		for _, d := range diags {
			if f := d.Fix; f != nil {
				got = append(got, fmt.Sprintf("%d:%d %s→%s", f.Pos.Line, f.Pos.Col, f.Old, f.New))
				line := strings.Split(c.src, "\n")[f.Pos.Line-1]
				if !strings.HasPrefix(line[f.Pos.Col-1:], f.Old) {
					t.Errorf("%s: %q is not at %d:%d of %q", c.name, f.Old, f.Pos.Line, f.Pos.Col, line)
				}
			}
		}
		want := []string(nil)
		if c.want != "" {
			want = []string{c.want}
		}
		if !slices.Equal(slices.Compact(got), want) {
			t.Errorf("%s: fixes %q, want %q (diagnostics %v)", c.name, got, want, diags)
		}
	}
}

// TestDiagnosticSpans: a diagnostic about a node spans it, so that lint
// underlines all of it: the text from Pos to End is the node's.
func TestDiagnosticSpans(t *testing.T) {
	for _, c := range []struct{ src, code, want string }{
		{"p = search Proces:Create\noutput p", "E201", "Proces:Create"},
		{"p = search Process:Create\nx = filter p where comman_line == \"a\"\noutput x", "E203", "comman_line"},
		{"p = search Process:Create\nx = filter p where exe == “C:\\Windows\\cmd.exe”\noutput x", "W215", "“C:\\Windows\\cmd.exe”"},
		{"p = search Process:Create\nq = search Process:Create\noutput q", "W205", "p"},
		{"p = search Process:Create\ny.f = p.exe\noutput p", "E204", "y"},
		{"p = search Process:Create\nx = filter p where TOP(exe) == 1\noutput x", "E213", "TOP"},
		{"l = [\"a\", \"b\", ...]\np = search Process:Create\nx = filter p where exe in l\noutput x", "W214", "[\"a\", \"b\", ...]"},
		{"p = search Process:Create\nx = filter p where exe == \"a\"", "W206", "x = filter p where exe == \"a\""},
	} {
		_, diags := checkSrc(t, c.src)
		lines := strings.Split(c.src, "\n")
		found := false
		for _, d := range diags {
			if d.Code != c.code {
				continue
			}
			found = true
			if d.End.Line != d.Pos.Line || d.End.Col < d.Pos.Col {
				t.Errorf("%s: span %v-%v", c.code, d.Pos, d.End)
				continue
			}
			if got := lines[d.Pos.Line-1][d.Pos.Col-1 : d.End.Col-1]; got != c.want {
				t.Errorf("%s spans %q, want %q", c.code, got, c.want)
			}
		}
		if !found {
			t.Errorf("%q: no %s in %v", c.src, c.code, diags)
		}
	}
}
