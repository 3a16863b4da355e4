package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/accord-peace/accord"
)

// Event types.
const (
	Sign          = "sign"
	Tick          = "tick"
	ViolationEv   = "violation"
	Response      = "response"
	Finding       = "finding"
	ProvisionDone = "provision_done"
)

// Event is one entry of the log.
type Event struct {
	Seq  int       `json:"seq"`
	At   time.Time `json:"at"`
	Type string    `json:"type"`
	// Agreement is the agreement of a set the entry is for; "" is the
	// set's first (and a lone engine's only) agreement. A tick for ""
	// ticks every agreement, as every entry does.
	Agreement string `json:"agreement,omitempty"`
	// sign, response, provision_done: the acting party; violation: the
	// party it is attributed to.
	Party string `json:"party,omitempty"`
	// violation
	ID       string `json:"id,omitempty"`
	Rule     string `json:"rule,omitempty"`
	Incident string `json:"incident,omitempty"`
	Severity string `json:"severity,omitempty"`
	// response and finding
	Consultation string `json:"consultation,omitempty"`
	Answer       string `json:"answer,omitempty"` // accept or dispute
	Evidence     string `json:"evidence,omitempty"`
	// finding
	Outcome  string   `json:"outcome,omitempty"`
	SignedBy []string `json:"signed_by,omitempty"`
	// provision_done
	Provision string `json:"provision,omitempty"`
	// exchange (exchange.go): its id is ID, its verifiers SignedBy;
	// Counts are the persons released by releasing party, Lists the
	// commitments to their lists.
	Counts map[string]int    `json:"counts,omitempty"`
	Lists  map[string]string `json:"lists,omitempty"`
}

// maxLogLine is the longest line ReadLog takes.
const maxLogLine = 4 << 20

// ReadLog reads an NDJSON log. Unknown fields and malformed lines are
// errors with their line number; nothing is returned from a bad log.
func ReadLog(r io.Reader, name string) ([]Event, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), maxLogLine)
	var out []Event
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if p, ok := accord.RepeatedKey(line); ok {
			return nil, accord.Errorf(accord.EINVALID, "%s:%d: %s: %s; give it once", name, n, p, accord.RepeatedKeyReason)
		}
		if p, ok := accord.BadText(line); ok {
			return nil, accord.Errorf(accord.EINVALID, "%s:%d: %s: %s", name, n, p, accord.BadTextReason)
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		var ev Event
		if err := dec.Decode(&ev); err != nil {
			return nil, accord.Errorf(accord.EINVALID, "%s:%d: %v", name, n, err)
		}
		// The engine names an entry by its seq: a missing or misplaced one
		// is said here, at its line.
		switch {
		case ev.Seq < 1:
			return nil, accord.Errorf(accord.EINVALID, "%s:%d: seq: missing or below 1 (%d): each entry is numbered, from 1, one more than the entry before it", name, n, ev.Seq)
		case len(out) > 0 && ev.Seq != out[len(out)-1].Seq+1:
			return nil, accord.Errorf(accord.EINVALID, "%s:%d: seq: %d after %d: an entry is missing, repeated or out of order", name, n, ev.Seq, out[len(out)-1].Seq)
		}
		out = append(out, ev)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, accord.Errorf(accord.EINVALID, "%s:%d: the line is longer than %d MiB, the most an entry may take", name, n+1, maxLogLine>>20)
		}
		return nil, &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf("%s:%d", name, n+1), Err: err}
	}
	return out, nil
}

// WriteLog writes events as NDJSON.
func WriteLog(w io.Writer, events []Event) error {
	enc := json.NewEncoder(w)
	for i := range events {
		if err := enc.Encode(&events[i]); err != nil {
			return err
		}
	}
	return nil
}
