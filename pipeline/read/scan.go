package read

// The scanners: one per format, the single place where a format's records are found.
// A scanner yields each record with its position as the readers report it (Row.Line)
// and with its bytes in the raw file, so that erase can cut a record out of a file
// without parsing it again. The readers of this package find their records with the
// same grammar: the CSV, statistics and GENESIS readers and the chunks with csvRecords, the
// JSON Lines reader with jsonlLines; the XML reader (encoding/xml, strict) and the XLSX
// reader (excelize) keep their decoders for their findings' wording, and tests hold the
// scanners to them (scan_test.go, the fuzz targets).
//
// Scanners never decode text and never reject: they read any bytes (a quarantined file
// too) and show what a record holds.

// Record is one record a scanner found.
type Record struct {
	Line       int      // as Row.Line: CSV, JSONL physical line; XLSX sheet row (across continuation sheets); XML line of the start tag
	Start, End int      // the record's bytes, data[Start:End]: line end excluded; XLSX: in the worksheet part
	Values     []string // its fields as the file holds them, not decoded and not trimmed
	Keys       []string // the name of each value, where the format names them (XML, JSONL); nil: by position
}
