package ledger

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/accord-peace/accord/internal/jsonenc"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord"
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
	// Cut lists the fields of a refusal cut to MaxRefusedField bytes.
	Cut []Cut `json:"cut,omitempty"`
}

// MaxRefusedField bounds the author, id and type a refusal records: a
// longer value is cut to a prefix of at most this many bytes (at a UTF-8
// character boundary) and the cut recorded.
const MaxRefusedField = 256

// Cut says a refusal's field holds only a prefix of the submission's
// value; the full value's length and SHA-256 still identify it.
type Cut struct {
	Field  string `json:"field"`  // "author", "id" or "type"
	Len    int    `json:"len"`    // bytes of the full value
	SHA256 string `json:"sha256"` // of the full value, in hex
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

// A record is the entry's JSON: its fields as encoding/json writes them
// (compact, "<", ">" and "&" escaped in strings, empty fields left out), in
// the order of the Entry type, except the body, which is spliced in
// verbatim — exactly the bytes its author signed, whitespace and escapes
// included. A body must therefore be one JSON value with nothing around it.

// entryFields are the fields written between prev and body.
type entryFields struct {
	Kind   string `json:"kind"`
	Author string `json:"author,omitempty"`
	ID     string `json:"id,omitempty"`
	Type   string `json:"type,omitempty"`
}

// entryTrailer are the fields written after the body.
type entryTrailer struct {
	Sig    string `json:"sig,omitempty"`
	Reason string `json:"reason,omitempty"`
	Cut    []Cut  `json:"cut,omitempty"`
}

// checkBody says why a body cannot be stored verbatim, if it cannot.
func checkBody(body []byte) error {
	if len(body) == 0 {
		return nil
	}
	if isSpace(body[0]) || isSpace(body[len(body)-1]) {
		return errors.New("the body has whitespace around it: it could not be stored as signed")
	}
	if !valid(body) { // json.Valid
		return errors.New("the body is not JSON")
	}
	return nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// encodeRest is the record's bytes after seq and prev: from `,"kind":` to
// the closing brace.
func (e *Entry) encodeRest() ([]byte, error) {
	if err := checkBody(e.Body); err != nil {
		return nil, err
	}
	for _, f := range [][2]string{{"kind", e.Kind}, {"author", e.Author}, {"id", e.ID}, {"type", e.Type}, {"sig", e.Sig}, {"reason", e.Reason}} {
		if !utf8.ValidString(f[1]) {
			// JSON would write it as \ufffd, which reads back as another
			// string: the record could not be canonical.
			return nil, fmt.Errorf("the %s is not valid UTF-8", f[0])
		}
	}
	if b, ok := e.appendRest(make([]byte, 0, restLen(e))); ok {
		return b, nil
	}
	return e.marshalRest()
}

// marshalRest is encodeRest's bytes by encoding/json, for a checked entry.
func (e *Entry) marshalRest() ([]byte, error) {
	f, err := json.Marshal(entryFields{Kind: e.Kind, Author: e.Author, ID: e.ID, Type: e.Type})
	if err != nil {
		return nil, err
	}
	t, err := json.Marshal(entryTrailer{Sig: e.Sig, Reason: e.Reason, Cut: e.Cut})
	if err != nil {
		return nil, err
	}
	b := make([]byte, 0, len(f)+len(e.Body)+len(t)+10)
	b = append(b, ',')
	b = append(b, f[1:len(f)-1]...)
	if len(e.Body) > 0 {
		b = append(b, `,"body":`...)
		b = append(b, e.Body...)
	}
	if len(t) > 2 {
		b = append(b, ',')
		b = append(b, t[1:]...)
	} else {
		b = append(b, '}')
	}
	return b, nil
}

// restLen is about the length of an entry's rest (its string fields
// quoted, their names, the body).
func restLen(e *Entry) int {
	return 64 + len(e.Kind) + len(e.Author) + len(e.ID) + len(e.Type) + len(e.Body) + len(e.Sig) + len(e.Reason)
}

// appendRest appends encodeRest's bytes for a checked entry without
// reflection, when encoding/json would write each string field as it is
// between quotes and there is no cut; else it answers false, leaving what
// it appended to be dropped. Identical to marshalRest: TestAppendRest.
func (e *Entry) appendRest(b []byte) ([]byte, bool) {
	if len(e.Cut) > 0 || !jsonenc.Plain(e.Kind) || !jsonenc.Plain(e.Author) || !jsonenc.Plain(e.ID) || !jsonenc.Plain(e.Type) || !jsonenc.Plain(e.Sig) || !jsonenc.Plain(e.Reason) {
		return b, false
	}
	field := func(name, v string) {
		b = append(b, `,"`...)
		b = append(b, name...)
		b = append(b, `":"`...)
		b = append(b, v...)
		b = append(b, '"')
	}
	field("kind", e.Kind)
	for _, f := range [...][2]string{{"author", e.Author}, {"id", e.ID}, {"type", e.Type}} {
		if f[1] != "" {
			field(f[0], f[1])
		}
	}
	if len(e.Body) > 0 {
		b = append(b, `,"body":`...)
		b = append(b, e.Body...)
	}
	for _, f := range [...][2]string{{"sig", e.Sig}, {"reason", e.Reason}} {
		if f[1] != "" {
			field(f[0], f[1])
		}
	}
	return append(b, '}'), true
}

// recordLen is the length of the record of an entry at seq whose rest is
// restLen bytes.
func recordLen(seq int64, restLen int) int {
	return len(`{"seq":,"prev":""}`) - 1 + len(strconv.FormatInt(seq, 10)) + base64.StdEncoding.EncodedLen(tlog.HashSize) + restLen
}

// appendRecord appends the record of an entry at seq after prev, whose
// rest is rest.
func appendRecord(b []byte, seq int64, prev tlog.Hash, rest []byte) []byte {
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, seq, 10)
	b = append(b, `,"prev":"`...)
	b = base64.StdEncoding.AppendEncode(b, prev[:])
	b = append(b, '"')
	return append(b, rest...)
}

// encode is an entry's record bytes.
func (e *Entry) encode() ([]byte, error) {
	rest, err := e.encodeRest()
	if err != nil {
		return nil, err
	}
	return appendRecord(make([]byte, 0, recordLen(e.Seq, len(rest))), e.Seq, e.Prev, rest), nil
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
	// whitespace or key order outside the signed body.
	enc, err := e.encode()
	if err != nil {
		return nil, fmt.Errorf("not in canonical form: %v", err)
	}
	if !bytes.Equal(enc, data) {
		return nil, fmt.Errorf("not in canonical form")
	}
	return &e, nil
}

// CheckEntry says why an entry cannot be appended, if it cannot: its body
// is not one JSON value with nothing around it, a string field is not
// UTF-8, or its record could be longer than MaxEntry (at any sequence
// number: at most 18 bytes stricter than at the entry's own place). The
// error is the one Append would return, an *accord.Error of code EINVALID.
func CheckEntry(e Entry) error {
	if _, err := e.checkedRest(); err != nil {
		return entryError(&e, err)
	}
	return nil
}

// checkedRest is encodeRest, refusing an entry whose record could be longer
// than MaxEntry whatever its sequence number.
func (e *Entry) checkedRest() ([]byte, error) {
	rest, err := e.encodeRest()
	if err != nil {
		return nil, err
	}
	if n := recordLen(math.MaxInt64, len(rest)); n > MaxEntry {
		return nil, &sizeError{n}
	}
	return rest, nil
}

// sizeError is an entry too large to store.
type sizeError struct{ n int }

func (e *sizeError) Error() string {
	return fmt.Sprintf("the record would be %d bytes, over the limit of %d bytes (ledger.MaxEntry)", e.n, MaxEntry)
}

// entryError is the error refusing an entry.
func entryError(e *Entry, err error) *accord.Error {
	what := e.Kind + " entry"
	if e.Type != "" {
		what += " of type " + quote(e.Type)
	}
	return &accord.Error{Code: accord.EINVALID, Message: what + " refused", Err: err}
}
