package read

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// benchCSV is a delivery of plain records (the common case the chunk reader is tuned
// for) with every 50th record quoted.
func benchCSV() []byte {
	var b bytes.Buffer
	b.WriteString("Kundennummer;BG_Nummer;Nachname;Vorname;Geburtsdatum;Kreis;Gemeinde;Status\r\n")
	for i := range 200000 {
		if i%50 == 0 {
			fmt.Fprintf(&b, "975D%06d;97001BG%07d;\"M\xfcller; J\";Anna;01.02.1980;05970;05970040;AL\r\n", i, i)
			continue
		}
		fmt.Fprintf(&b, "975D%06d;97001BG%07d;Schmidt;Anna;01.02.1980;05970;05970040;AL\r\n", i, i)
	}
	return b.Bytes()
}

// BenchmarkCSVChunk reads a whole file through the bulk path's chunk reader.
func BenchmarkCSVChunk(b *testing.B) {
	data := benchCSV()
	header := []string{"Kundennummer", "BG_Nummer", "Nachname", "Vorname", "Geburtsdatum", "Kreis", "Gemeinde", "Status"}
	first := bytes.IndexByte(data, '\n') + 1
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewCSVChunk(bytes.NewReader(data[first:]), CSVOptions{Encoding: Windows1252}, header, Chunk{Offset: int64(first), Size: int64(len(data) - first), FirstLine: 2})
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 200000 {
			b.Fatalf("%d rows", n)
		}
	}
}
