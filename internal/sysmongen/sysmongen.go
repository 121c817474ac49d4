// Package sysmongen writes synthetic Sysmon logs for benchmarks: NDJSON
// events with the fields and sizes real Sysmon events have (image loads
// most common, then network connections, process creations, file and
// registry events), from a fixed seed. A share of the events (Rare) name
// the processes detection analytics look for (cmd.exe, powershell.exe,
// reg.exe, schtasks.exe …) as real logs do about 1% of the time; the rest
// are ordinary activity.
package sysmongen

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// Rare is the share of events that name a process analytics look for.
const Rare = 0.01

var (
	ordinary = []string{`C:\Windows\System32\svchost.exe`, `C:\Windows\explorer.exe`, `C:\Program Files\Mozilla Firefox\firefox.exe`,
		`C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe`, `C:\Windows\System32\RuntimeBroker.exe`, `C:\Windows\System32\SearchIndexer.exe`,
		`C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE`, `C:\Windows\System32\taskhostw.exe`, `C:\Windows\System32\conhost.exe`}
	suspicious = []string{`C:\Windows\System32\cmd.exe`, `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`, `C:\Windows\System32\reg.exe`,
		`C:\Windows\System32\schtasks.exe`, `C:\Windows\System32\net.exe`, `C:\Windows\System32\whoami.exe`, `C:\Windows\System32\rundll32.exe`,
		`C:\Windows\System32\regsvr32.exe`, `C:\Windows\System32\wmic.exe`, `C:\Windows\System32\certutil.exe`}
	parents = []string{`C:\Windows\System32\services.exe`, `C:\Windows\explorer.exe`, `C:\Windows\System32\svchost.exe`, `C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`}
	dlls    = []string{`C:\Windows\System32\ntdll.dll`, `C:\Windows\System32\kernel32.dll`, `C:\Windows\System32\KernelBase.dll`, `C:\Windows\System32\user32.dll`,
		`C:\Windows\System32\combase.dll`, `C:\Windows\System32\msvcrt.dll`, `C:\Windows\System32\ws2_32.dll`, `C:\Windows\System32\crypt32.dll`}
)

// Write returns about size bytes of NDJSON Sysmon events.
func Write(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 4096)
	if _, err := WriteTo(&b, int64(size)); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// WriteTo writes about size bytes of NDJSON Sysmon events to w, the same
// events Write gives, without holding them.
func WriteTo(w io.Writer, size int64) (int64, error) {
	rng := rand.New(rand.NewPCG(7, 11))
	cw := &countingWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	t := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	pid := 1000
	for i := 0; cw.n+int64(bw.Buffered()) < size; i++ {
		t = t.Add(time.Duration(1+rng.IntN(200)) * time.Millisecond)
		pid += 1 + rng.IntN(8)
		host := fmt.Sprintf("ws%03d.corp.example.org", rng.IntN(300))
		image := ordinary[rng.IntN(len(ordinary))]
		parent := parents[1+rng.IntN(2)]
		if rng.Float64() < Rare {
			image, parent = suspicious[rng.IntN(len(suspicious))], parents[rng.IntN(len(parents))]
		}
		ev := map[string]any{
			"Channel": "Microsoft-Windows-Sysmon/Operational", "Computer": host, "EventRecordID": 100000 + i,
			"UtcTime":     t.Format("2006-01-02 15:04:05.000"),
			"ProcessGuid": fmt.Sprintf("{%08x-%04x-%04x-0000-0010%08x}", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<16), rng.Uint32()),
			"ProcessId":   pid, "Image": image, "User": `CORP\user` + fmt.Sprint(rng.IntN(500)),
		}
		switch r := rng.IntN(100); {
		case r < 45: // image load
			ev["EventID"] = 7
			ev["ImageLoaded"] = dlls[rng.IntN(len(dlls))]
			ev["Hashes"] = fmt.Sprintf("SHA256=%064X", rng.Uint64())
			ev["Signed"], ev["Signature"], ev["SignatureStatus"] = "true", "Microsoft Windows", "Valid"
		case r < 65: // network connection
			ev["EventID"] = 3
			ev["Protocol"], ev["Initiated"] = "tcp", "true"
			ev["SourceIp"] = fmt.Sprintf("10.%d.%d.%d", rng.IntN(256), rng.IntN(256), rng.IntN(256))
			ev["SourcePort"] = 49152 + rng.IntN(16000)
			ev["DestinationIp"] = fmt.Sprintf("%d.%d.%d.%d", 1+rng.IntN(223), rng.IntN(256), rng.IntN(256), rng.IntN(256))
			ev["DestinationPort"] = []int{443, 80, 53, 445, 8080}[rng.IntN(5)]
		case r < 80: // process creation
			ev["EventID"] = 1
			ev["CommandLine"] = fmt.Sprintf(`"%s" --type=renderer --field-trial-handle=%d`, image, rng.IntN(100000))
			ev["CurrentDirectory"] = `C:\Windows\system32\`
			ev["IntegrityLevel"] = "Medium"
			ev["Hashes"] = fmt.Sprintf("MD5=%032X,SHA256=%064X", rng.Uint64(), rng.Uint64())
			ev["ParentProcessId"] = pid - 1 - rng.IntN(100)
			ev["ParentImage"] = parent
			ev["ParentCommandLine"] = parent
			ev["LogonId"] = fmt.Sprintf("0x%x", rng.Uint32())
		case r < 92: // file creation
			ev["EventID"] = 11
			ev["TargetFilename"] = fmt.Sprintf(`C:\Users\user\AppData\Local\Temp\tmp%06d.tmp`, rng.IntN(1000000))
			ev["CreationUtcTime"] = ev["UtcTime"]
		default: // registry value set
			ev["EventID"] = 13
			ev["EventType"] = "SetValue"
			ev["TargetObject"] = fmt.Sprintf(`HKLM\System\CurrentControlSet\Services\bam\State\UserSettings\S-1-5-21-%d`, rng.IntN(1000))
			ev["Details"] = "Binary Data"
		}
		if err := enc.Encode(ev); err != nil {
			return cw.n, err
		}
	}
	err := bw.Flush()
	return cw.n, err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
