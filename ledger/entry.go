package ledger

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Entry kinds.
const (
	KindSubmission = "submission" // signed by its author
	KindRefusal    = "refusal"    // a submission refused, and why
	KindDerived    = "derived"    // written by the log itself (incident changes, phase changes)
)

// Entry is one record of the log. Its bytes are its JSON encoding, written
// once; the record hash is tlog.RecordHash of those bytes.
type Entry struct {
	Seq  int64     `json:"seq"`  // 0, 1, 2, ... its index in the tree
	Prev tlog.Hash `json:"prev"` // record hash of entry Seq−1 (zero for the first)
	Kind string    `json:"kind"`
	// Submission, or the submission a refusal refuses.
	Author string          `json:"author,omitempty"`
	ID     string          `json:"id,omitempty"`
	Type   string          `json:"type,omitempty"` // what the payload is: observations, response, finding, event, ...
	Body   json.RawMessage `json:"body,omitempty"`
	Sig    string          `json:"sig,omitempty"` // base64 ed25519 over SignedMessage
	Reason string          `json:"reason,omitempty"`
}

// Submission is what an author sends: signed, not yet in the log.
type Submission struct {
	Author string          `json:"author"`
	ID     string          `json:"id"` // unique per author: a repeat is a replay
	Type   string          `json:"type"`
	Body   json.RawMessage `json:"body"`
	Sig    string          `json:"sig"`
}

// SignedMessage is the bytes an author signs: a domain, the author, the
// id, the type and the compact JSON body.
func SignedMessage(author, id, typ string, body []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "accord submission v1\n%s\n%s\n%s\n", author, id, typ)
	b.Write(body)
	return b.Bytes()
}

// NewSubmission makes an unsigned submission; the body is compacted, as the
// log stores it.
func NewSubmission(author, id, typ string, body any) (Submission, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return Submission{}, err
	}
	var c bytes.Buffer
	if err := json.Compact(&c, raw); err != nil {
		return Submission{}, err
	}
	return Submission{Author: author, ID: id, Type: typ, Body: c.Bytes()}, nil
}

// Sign makes a submission signed with the author's key.
func Sign(key ed25519.PrivateKey, author, id, typ string, body any) (Submission, error) {
	s, err := NewSubmission(author, id, typ, body)
	if err != nil {
		return Submission{}, err
	}
	s.Sig = base64.StdEncoding.EncodeToString(ed25519.Sign(key, SignedMessage(author, id, typ, s.Body)))
	return s, nil
}

// encode is an entry's record bytes.
func (e *Entry) encode() []byte {
	b, _ := json.Marshal(e)
	return b
}

// decodeEntry parses record bytes strictly.
func decodeEntry(data []byte) (*Entry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var e Entry
	if err := dec.Decode(&e); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("data after the entry")
	}
	// The record must be exactly the entry's encoding: nothing may hide in
	// whitespace or key order.
	if !bytes.Equal(e.encode(), data) {
		return nil, fmt.Errorf("not in canonical form")
	}
	return &e, nil
}
