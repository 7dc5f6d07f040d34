package status

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"time"

	"ipoint/pipeline/jsonl"
	"ipoint/pipeline/lake"
)

// AckLogName is the log of acknowledged quarantined files in the audit directory.
const AckLogName = "quarantine-acks.jsonl"

// Ack records that a person looked at a quarantined file and decided it needs nothing
// more (the agency was asked, or the delivery is not needed): the file then no longer
// counts as a to-do. It is bound to the file's content: other bytes under the same name
// (a new faulty delivery) are a new to-do.
type Ack struct {
	At     time.Time `json:"at"`
	User   string    `json:"user"`
	File   string    `json:"file"`
	SHA256 string    `json:"sha256"`
	Reason string    `json:"reason"`
}

// AppendAck records a in the acknowledgement log at path.
func AppendAck(path string, a Ack) error { return jsonl.Append(path, a) }

// LoadAcks reads the acknowledgement log by content hash (the newest per hash). A
// missing log is empty; a torn line is skipped.
func LoadAcks(path string) (map[string]Ack, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]Ack{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := map[string]Ack{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var a Ack
		if json.Unmarshal(sc.Bytes(), &a) == nil && a.SHA256 != "" {
			out[a.SHA256] = a
		}
	}
	return out, sc.Err()
}

// QuarantineFile is a file in quarantine and what is known of it.
type QuarantineFile struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	// Ack is the acknowledgement of these bytes, if any.
	Ack *Ack `json:"acknowledged,omitempty"`
	// Redelivered names the delivery ingested after the file was quarantined that
	// replaces it (same export, Stichtag and Kreis), "" if none.
	Redelivered string `json:"redelivered_by,omitempty"`
}

// Open reports whether the file still needs a person.
func (q QuarantineFile) Open() bool { return q.Ack == nil && q.Redelivered == "" }

// redelivery finds the ingested delivery that replaced the quarantined bytes sha: the
// manifest's quarantine entry of those bytes, then a later ingested entry of the same
// export, Stichtag and Kreis.
func redelivery(m *lake.Manifest, sha string) string {
	if m == nil || sha == "" {
		return ""
	}
	at := -1
	for i, e := range m.Entries {
		if e.Outcome == lake.Quarantined && e.SHA256 == sha {
			at = i
		}
	}
	if at < 0 {
		return ""
	}
	q := m.Entries[at]
	for _, e := range m.Entries[at+1:] {
		if e.Outcome == lake.Ingested && e.Export == q.Export && e.Stichtag == q.Stichtag && e.Kreis == q.Kreis {
			return e.Name
		}
	}
	return ""
}
