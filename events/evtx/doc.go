// Package evtx reads Windows EVTX files, the binary format Windows writes
// event logs in, written from the format's public descriptions (libyal's
// "Windows XML Event Log (EVTX)" and Microsoft's [MS-EVEN6] binary XML),
// with the standard library only.
//
// # Format
//
// A file is a 4 KiB header then 64 KiB chunks. Each chunk has a 512-byte
// header (with tables of the chunk's strings and templates) and event
// records; a record is a header (signature, size, identifier, time
// written) and a binary XML fragment, usually a template instance: a
// reference to a template definition (an element tree with placeholders,
// written once per chunk, in the first record that uses it) and the
// values of its substitutions. Names and templates are referred to by
// their offset in the chunk, so a chunk decodes on its own, and the
// reader caches both per chunk.
//
// # Reading
//
// [Reader.Records] decodes chunks on several goroutines and delivers the
// records in order: by chunk, starting from the oldest chunk the file
// header names (a full log wraps around), and by position within a chunk.
// A bounded number of chunks is in flight, read one at a time with
// ReadAt, so memory does not grow with the file.
//
// Damaged files are expected (this is for forensics): the file header's
// and every chunk's CRC32s are checked; a damaged part is delivered as a
// [Record] whose Err (an [*Error]) names the file, chunk and offset, and
// reading goes on. A chunk whose header is damaged (bad checksum or
// signature) still has its records read: they are found by their own
// signatures and sizes, each checked against the size copy at its end. A
// damaged record is skipped to the next record signature. A dirty file
// (not closed cleanly) is read like any other; records past the end its
// chunk header records are taken when they continue the chunk's sequence
// of identifiers (written after the header was last saved). Every length
// read from the file is checked against the data it lies in, and fixed
// bounds, far above what Windows writes, hold for what a record can make
// the reader do: elements nest at most 64 deep in a template or fragment,
// binary XML nests at most 8 deep within substitution values, and a record
// expands to at most 1024 + 8 per byte of it elements, values and tokens
// (65536 at most). A record past a bound is reported and skipped. So no
// input makes the reader panic, loop, take long or use unbounded memory.
//
// # Output
//
// [Record.Fields] are the flat fields the Windows event XML reader
// (package events) gives for the same event exported as XML, with the
// same names: System's children by name (EventID, Channel, Computer,
// EventRecordID), their attributes as Element.Attribute
// (TimeCreated.SystemTime, Provider.Name, Execution.ProcessID), each
// EventData child by its Name attribute (Data.<index> without one), other
// parts such as UserData by dotted path. Values are written as Windows
// writes them in event XML:
//
//   - integers in decimal; booleans "true", "false"; reals in Go's
//     shortest form;
//   - hexadecimal integers (HexInt32, HexInt64, e.g. Keywords, Sysmon's
//     LogonId) and sizes as "0x" and lower-case digits, no padding;
//   - GUIDs in upper case within braces: "{5770385F-C22A-…}";
//   - FILETIMEs and SYSTEMTIMEs in UTC with seven decimals (FILETIME's
//     100 ns resolution): "2025-10-24T23:41:00.6015590Z";
//   - SIDs as "S-1-5-18"; binary data in upper-case hexadecimal;
//   - strings without their trailing NULs; ANSI strings as UTF-8 when
//     valid, else as Latin-1;
//   - arrays as their elements joined by commas.
//
// [Record.XML] renders the event as event XML in the same value forms.
//
// [Record.Dump] renders the event as EVTX dump tools (such as evtx_dump)
// write it in JSON: {"Event": {"#attributes": {"xmlns": …}, "System":
// {"EventID": 11, "Provider": {"#attributes": {"Name": …}}, …},
// "EventData": {"Image": …}}}: attributes under "#attributes", text
// under "#text" beside attributes or child elements and otherwise as the
// element's value, an empty element as null, a Data element with a Name
// attribute as a member of that name, a repeated name with a suffix _1,
// _2, … (a JSON object cannot repeat a member), integers, reals and booleans as JSON numbers and
// booleans, arrays as JSON arrays. It differs from Record.Fields' forms
// in two ways, as those tools do: GUIDs have no braces, and times have
// six decimals ("2025-10-24T23:41:00.601559Z"). Unlike those tools, it
// keeps the white space around text as Windows wrote it (evtx_dump
// trims it: "chcp" for Sysmon's "chcp  ").
//
// The tests compare every record of the Sigma corpus's .evtx samples with
// the evtx_dump JSON beside each, normalising exactly these differences.
package evtx
