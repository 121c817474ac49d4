package sigma

// sysmonCategories are the Windows logsource categories the taxonomy
// appendix (sigma-appendix-taxonomy.md, "Windows Folder") gives a Sysmon
// event ID in the Microsoft-Windows-Sysmon/Operational channel: the rules
// whose events Sysmon writes.
var sysmonCategories = map[string]bool{
	"process_creation": true, "file_change": true, "network_connection": true, "sysmon_status": true,
	"process_termination": true, "driver_load": true, "image_load": true, "create_remote_thread": true,
	"raw_access_thread": true, "process_access": true, "file_event": true, "registry_event": true,
	"registry_add": true, "registry_delete": true, "registry_set": true, "registry_rename": true,
	"create_stream_hash": true, "pipe_created": true, "wmi_event": true, "dns_query": true,
	"file_delete": true, "clipboard_capture": true, "process_tampering": true, "file_delete_detected": true,
	"file_block_executable": true, "file_block_shredding": true, "file_executable_detected": true, "sysmon_error": true,
}

// IsSysmon reports whether the logsource is a Windows category whose
// events Sysmon writes (product windows, one of the taxonomy's Sysmon
// categories, no service).
func (ls LogSource) IsSysmon() bool {
	return ls.Product == "windows" && ls.Service == "" && sysmonCategories[ls.Category]
}
