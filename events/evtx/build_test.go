package evtx

import (
	"encoding/binary"
	"hash/crc32"
	"unicode/utf16"
)

// This file writes EVTX files for the tests: a chunk builder that lays
// out records of binary XML at their real chunk offsets (names and
// template definitions are written in place the first time, referred to
// by offset after), and a file builder that puts chunks behind a header,
// with correct checksums unless a test damages them.

var le = binary.LittleEndian

type chunkBuilder struct {
	noDep     bool // write open start elements without a dependency identifier
	buf       []byte
	names     map[string]uint32
	templates map[uint32]uint32 // template id → definition offset
	firstID   uint64
	lastID    uint64
	lastOff   int
}

func newChunk() *chunkBuilder {
	return &chunkBuilder{buf: make([]byte, chunkHeaderSize), names: map[string]uint32{}, templates: map[uint32]uint32{}}
}

func (c *chunkBuilder) u8(v byte)    { c.buf = append(c.buf, v) }
func (c *chunkBuilder) u16(v int)    { c.buf = le.AppendUint16(c.buf, uint16(v)) }
func (c *chunkBuilder) u32(v uint32) { c.buf = le.AppendUint32(c.buf, v) }
func (c *chunkBuilder) u64(v uint64) { c.buf = le.AppendUint64(c.buf, v) }
func (c *chunkBuilder) utf16(s string) {
	for _, u := range utf16.Encode([]rune(s)) {
		c.u16(int(u))
	}
}

// str writes a length-prefixed UTF-16 string, as value text and CDATA are.
func (c *chunkBuilder) str(s string) {
	c.u16(len(utf16.Encode([]rune(s))))
	c.utf16(s)
}

// name writes a name reference, and the name itself the first time.
func (c *chunkBuilder) name(s string) {
	if off, ok := c.names[s]; ok {
		c.u32(off)
		return
	}
	off := uint32(len(c.buf) + 4)
	c.names[s] = off
	c.u32(off)
	c.u32(0) // next name in the hash bucket
	c.u16(0) // hash (not checked by readers)
	c.str(s)
	c.u16(0) // NUL
}

// open writes an open start element; attrs writes its attributes.
func (c *chunkBuilder) open(name string, attrs func()) {
	tok := byte(tokOpenStart)
	if attrs != nil {
		tok |= tokMore
	}
	c.u8(tok)
	if !c.noDep {
		c.u16(0xffff) // dependency identifier
	}
	c.u32(0) // data size (unused by readers)
	c.name(name)
	if attrs != nil {
		c.u32(0) // attribute list size
		attrs()
	}
}

func (c *chunkBuilder) attr(name string)      { c.u8(tokAttribute); c.name(name) }
func (c *chunkBuilder) text(s string)         { c.u8(tokValue); c.u8(tString); c.str(s) }
func (c *chunkBuilder) closeStart()           { c.u8(tokCloseStart) }
func (c *chunkBuilder) closeEmpty()           { c.u8(tokCloseEmpty) }
func (c *chunkBuilder) end()                  { c.u8(tokEnd) }
func (c *chunkBuilder) eof()                  { c.u8(tokEOF) }
func (c *chunkBuilder) header()               { c.buf = append(c.buf, tokFragmentHeader, 1, 1, 0) }
func (c *chunkBuilder) sub(id int, t byte)    { c.u8(tokSubstitution); c.u16(id); c.u8(t) }
func (c *chunkBuilder) optSub(id int, t byte) { c.u8(tokOptionalSubst); c.u16(id); c.u8(t) }
func (c *chunkBuilder) cdata(s string)        { c.u8(tokCDATA); c.str(s) }
func (c *chunkBuilder) charRef(r rune)        { c.u8(tokCharRef); c.u16(int(r)) }
func (c *chunkBuilder) entity(name string)    { c.u8(tokEntityRef); c.name(name) }
func (c *chunkBuilder) pi(target, data string) {
	c.u8(tokPITarget)
	c.name(target)
	c.u8(tokPIData)
	c.str(data)
}

// elem writes <name>text</name>.
func (c *chunkBuilder) elem(name string, content func()) {
	c.open(name, nil)
	c.closeStart()
	content()
	c.end()
}

// sv is a substitution value: its bytes, or (w set) binary XML written in
// place, since names and templates in it are referred to by their chunk
// offset.
type sv struct {
	t byte
	b []byte
	w func()
}

// template writes a template instance: the definition in place the first
// time id is used (def writes its content), then the values.
func (c *chunkBuilder) template(id uint32, def func(), vals []sv) {
	c.u8(tokTemplate)
	c.u8(1)
	c.u32(id)
	if off, ok := c.templates[id]; ok {
		c.u32(off)
	} else {
		off := uint32(len(c.buf) + 4)
		c.templates[id] = off
		c.u32(off)
		c.u32(0)                                   // next template in the bucket
		c.buf = le.AppendUint32(c.buf, id)         // GUID: the identifier,
		c.buf = append(c.buf, make([]byte, 12)...) // then the rest
		sizeAt := len(c.buf)
		c.u32(0)
		start := len(c.buf)
		c.header()
		def()
		c.eof()
		le.PutUint32(c.buf[sizeAt:], uint32(len(c.buf)-start))
	}
	c.u32(uint32(len(vals)))
	desc := len(c.buf)
	for _, v := range vals {
		c.u16(len(v.b))
		c.u8(v.t)
		c.u8(0)
	}
	for i, v := range vals {
		if v.w == nil {
			c.buf = append(c.buf, v.b...)
			continue
		}
		start := len(c.buf)
		v.w()
		le.PutUint16(c.buf[desc+4*i:], uint16(len(c.buf)-start))
	}
}

// record writes an event record whose binary XML body writes.
func (c *chunkBuilder) record(id uint64, written uint64, body func()) {
	start := len(c.buf)
	c.buf = append(c.buf, recordMagic...)
	c.u32(0)
	c.u64(id)
	c.u64(written)
	body()
	c.u32(0)
	size := len(c.buf) - start
	le.PutUint32(c.buf[start+4:], uint32(size))
	le.PutUint32(c.buf[len(c.buf)-4:], uint32(size))
	if c.firstID == 0 {
		c.firstID = id
	}
	c.lastID, c.lastOff = id, start
}

// room is how many bytes the chunk has left.
func (c *chunkBuilder) room() int { return chunkSize - len(c.buf) }

// bytes finishes the chunk: the header with its counts, offsets and
// checksums, padded to 64 KiB.
func (c *chunkBuilder) bytes() []byte {
	b := make([]byte, chunkSize)
	copy(b, c.buf)
	copy(b, chunkMagic)
	le.PutUint64(b[8:], c.firstID)
	le.PutUint64(b[16:], c.lastID)
	le.PutUint64(b[24:], c.firstID)
	le.PutUint64(b[32:], c.lastID)
	le.PutUint32(b[40:], 128)
	le.PutUint32(b[44:], uint32(c.lastOff))
	le.PutUint32(b[48:], uint32(len(c.buf)))
	le.PutUint32(b[52:], crc32.ChecksumIEEE(b[chunkHeaderSize:len(c.buf)]))
	fixChunkCRC(b)
	return b
}

func fixChunkCRC(b []byte) {
	le.PutUint32(b[124:], crc32.Update(crc32.ChecksumIEEE(b[:120]), crc32.IEEETable, b[128:chunkHeaderSize]))
}

// fileHeader writes a file header for n chunks, oldest first, with the
// given flags (1: dirty).
func fileHeader(n int, first uint64, flags uint32) []byte {
	b := make([]byte, fileHeaderSize)
	copy(b, fileMagic)
	le.PutUint64(b[8:], first)
	le.PutUint64(b[16:], uint64(n-1))
	le.PutUint32(b[32:], 128)
	le.PutUint16(b[36:], 1)
	le.PutUint16(b[38:], 3)
	le.PutUint16(b[40:], fileHeaderSize)
	le.PutUint16(b[42:], uint16(n))
	le.PutUint32(b[120:], flags)
	le.PutUint32(b[124:], crc32.ChecksumIEEE(b[:120]))
	return b
}

// file joins a header and chunks.
func file(chunks ...[]byte) []byte {
	out := fileHeader(len(chunks), 0, 0)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out
}

// The values of a Sysmon-like event.
func u16v(v uint16) sv  { return sv{t: tUint16, b: le.AppendUint16(nil, v)} }
func u32v(v uint32) sv  { return sv{t: tUint32, b: le.AppendUint32(nil, v)} }
func u64v(v uint64) sv  { return sv{t: tUint64, b: le.AppendUint64(nil, v)} }
func hex64(v uint64) sv { return sv{t: tHexInt64, b: le.AppendUint64(nil, v)} }
func strv(s string) sv {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = le.AppendUint16(b, u)
	}
	return sv{t: tString, b: b}
}

// sysmonDef writes a template like Sysmon's process creation event:
// System with its usual children and EventData with named Data elements.
func sysmonDef(c *chunkBuilder, data []string) func() {
	return func() {
		c.open("Event", func() { c.attr("xmlns"); c.text("http://schemas.microsoft.com/win/2004/08/events/event") })
		c.closeStart()
		c.elem("System", func() {
			c.open("Provider", func() {
				c.attr("Name")
				c.text("Microsoft-Windows-Sysmon")
				c.attr("Guid")
				c.sub(0, tGUID)
			})
			c.closeEmpty()
			c.elem("EventID", func() { c.sub(1, tUint16) })
			c.elem("Level", func() { c.sub(2, tUint8) })
			c.elem("Keywords", func() { c.sub(3, tHexInt64) })
			c.open("TimeCreated", func() { c.attr("SystemTime"); c.sub(4, tFileTime) })
			c.closeEmpty()
			c.elem("EventRecordID", func() { c.sub(5, tUint64) })
			c.open("Correlation", func() { c.attr("ActivityID"); c.optSub(6, tGUID) })
			c.closeEmpty()
			c.open("Execution", func() { c.attr("ProcessID"); c.sub(7, tUint32); c.attr("ThreadID"); c.sub(8, tUint32) })
			c.closeEmpty()
			c.elem("Channel", func() { c.text("Microsoft-Windows-Sysmon/Operational") })
			c.elem("Computer", func() { c.sub(9, tString) })
			c.open("Security", func() { c.attr("UserID"); c.optSub(10, tSID) })
			c.closeEmpty()
		})
		c.elem("EventData", func() {
			for i, name := range data {
				c.open("Data", func() { c.attr("Name"); c.text(name) })
				c.closeStart()
				c.sub(11+i, tString)
				c.end()
			}
		})
		c.end()
	}
}

var sysmonData = []string{"RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "FileVersion", "Description",
	"Product", "Company", "OriginalFileName", "CommandLine", "CurrentDirectory", "User", "LogonGuid", "LogonId",
	"TerminalSessionId", "IntegrityLevel", "Hashes", "ParentProcessGuid", "ParentProcessId", "ParentImage", "ParentCommandLine"}

// sysmonRecord writes a Sysmon-like record with identifier id.
func sysmonRecord(c *chunkBuilder, id uint64) {
	guid := sv{t: tGUID, b: []byte{0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9}}
	sid := sv{t: tSID, b: []byte{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}}
	const ft = 133426200606015590 // 2023-10-24T11:21:00.601559Z
	vals := []sv{guid, u16v(1), sv{t: tUint8, b: []byte{4}}, hex64(0x8000000000000000), sv{t: tFileTime, b: le.AppendUint64(nil, ft+id)},
		u64v(id), {}, u32v(3308), u32v(4008), strv("ar-win-dc.attackrange.local"), sid}
	for _, name := range sysmonData {
		vals = append(vals, strv(sysmonValue(name)))
	}
	c.record(id, ft+id, func() {
		c.header()
		c.template(1, sysmonDef(c, sysmonData), vals)
		c.eof()
	})
}

// sysmonChunk writes a chunk full of Sysmon-like records from identifier
// first on; it returns the chunk and the next identifier.
func sysmonChunk(first uint64) ([]byte, uint64) {
	c := newChunk()
	id := first
	for c.room() > 4096 {
		sysmonRecord(c, id)
		id++
	}
	return c.bytes(), id
}

func crcOf(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

// tokensRecord writes a record of the tokens found outside templates.
func tokensRecord(c *chunkBuilder) {
	c.record(1, 0, func() {
		c.header()
		c.open("Event", nil)
		c.closeStart()
		c.elem("System", func() {
			c.elem("EventID", func() { c.text("4") })
			c.elem("Computer", func() {
				c.text("a")
				c.entity("amp")
				c.text("b")
				c.cdata("<c>")
				c.charRef('A')
				c.entity("nbsp")
			})
		})
		c.pi("xml-stylesheet", `href="x"`)
		c.elem("UserData", func() {
			c.open("Log", func() {
				c.attr("xmlns")
				c.text("urn:x")
				c.attr("Two")
				c.text("p")
				c.entity("lt")
				c.text("q")
			})
			c.closeStart()
			c.open("Item", func() { c.attr("Kind"); c.text("k") })
			c.closeStart()
			c.text(" v ")
			c.end()
			c.open("Empty", nil)
			c.closeEmpty()
			c.end()
		})
		c.elem("EventData", func() {
			c.elem("Data", func() { c.text("unnamed") })
			c.elem("Binary", func() { c.text("00FF") })
		})
		c.end()
		c.eof()
	})
}

// substitutionsRecord writes a record of a template with substitutions of
// several kinds, binary XML among them.
func substitutionsRecord(c *chunkBuilder) {
	def := func() {
		c.open("Event", nil)
		c.closeStart()
		c.elem("System", func() {
			c.elem("EventID", func() { c.sub(0, tUint16) })
			c.open("Correlation", func() { c.attr("ActivityID"); c.optSub(1, tGUID); c.attr("Related"); c.sub(1, tGUID) })
			c.closeEmpty()
			c.open("Execution", func() { c.attr("ProcessID"); c.text("pid "); c.sub(0, tUint16) })
			c.closeEmpty()
		})
		c.elem("UserData", func() { c.sub(2, tBinXML) })
		c.elem("EventData", func() {
			c.open("Data", func() { c.attr("Name"); c.text("List") })
			c.closeStart()
			c.sub(3, tArray|tString)
			c.end()
			c.open("Data", func() { c.attr("Name"); c.text("Missing") })
			c.closeStart()
			c.sub(9, tString) // no such value
			c.end()
		})
		c.end()
	}
	userData := sv{t: tBinXML, w: func() {
		c.header()
		c.template(2, func() {
			c.open("LogFileCleared", func() { c.attr("xmlns"); c.text("urn:y") })
			c.closeStart()
			c.elem("SubjectUserName", func() { c.sub(0, tString) })
			c.end()
		}, []sv{strv("admin")})
		c.eof()
	}}
	list := strv("a\x00b\x00")
	list.t = tArray | tString
	c.record(1, 0, func() {
		c.header()
		c.template(1, def, []sv{u16v(1102), {}, userData, list})
		c.eof()
	})
}

// sysmonValue is the value of a Data element of the Sysmon-like records:
// about the length of real ones (paths, command lines, GUIDs).
func sysmonValue(name string) string { return name + ` C:\Windows\System32\cmd.exe` }
