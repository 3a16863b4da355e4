package reconstruction

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Event types.
const (
	FundEv         = "fund"
	ProjectEv      = "project"
	CommitmentEv   = "commitment"
	DisbursementEv = "disbursement"
	RefusalEv      = "refusal"
	ConfirmationEv = "confirmation"
)

// Event is an entry of the registry's log. Exactly one of the payloads
// is set, the one its type names. Its JSON is deterministic (fields in
// declaration order, no maps).
type Event struct {
	Seq          int           `json:"seq"`
	At           time.Time     `json:"at"`
	Type         string        `json:"type"`
	Fund         *Fund         `json:"fund,omitempty"`
	Project      *Project      `json:"project,omitempty"`
	Commitment   *Commitment   `json:"commitment,omitempty"`
	Disbursement *Disbursement `json:"disbursement,omitempty"`
	Refusal      *Refusal      `json:"refusal,omitempty"`
	Confirmation *Confirmation `json:"confirmation,omitempty"`
}

// Subject is the id the event is about.
func (ev Event) Subject() string {
	switch {
	case ev.Fund != nil:
		return ev.Fund.ID
	case ev.Project != nil:
		return ev.Project.ID
	case ev.Commitment != nil:
		return ev.Commitment.ID
	case ev.Disbursement != nil:
		return ev.Disbursement.ID
	case ev.Refusal != nil:
		return ev.Refusal.ID
	case ev.Confirmation != nil:
		return ev.Confirmation.ID
	}
	return ""
}

// payloads counts the payloads set.
func (ev Event) payloads() int {
	n := 0
	for _, set := range []bool{ev.Fund != nil, ev.Project != nil, ev.Commitment != nil, ev.Disbursement != nil, ev.Refusal != nil, ev.Confirmation != nil} {
		if set {
			n++
		}
	}
	return n
}

// MarshalLog is the log as NDJSON, one event a line.
func MarshalLog(events []Event) []byte {
	var b bytes.Buffer
	for _, ev := range events {
		line, _ := json.Marshal(ev)
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// UnmarshalLog reads NDJSON events, refusing unknown fields.
func UnmarshalLog(data []byte) ([]Event, error) {
	var out []Event
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		d := json.NewDecoder(bytes.NewReader(line))
		d.DisallowUnknownFields()
		var ev Event
		if err := d.Decode(&ev); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		out = append(out, ev)
	}
	return out, sc.Err()
}
