package ledger

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/accord-peace/accord"
)

// Registry holds every author's ed25519 public key.
type Registry struct {
	Keys map[string]ed25519.PublicKey
}

// Check verifies a submission's signature.
func (r *Registry) Check(s *Submission) error {
	key, ok := r.Keys[s.Author]
	if !ok {
		return fmt.Errorf("%s has no key registered in the agreement", quote(s.Author))
	}
	sig, err := base64.StdEncoding.DecodeString(s.Sig)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errors.New("the signature is not a base64 ed25519 signature")
	}
	if !ed25519.Verify(key, SignedMessage(s.Author, s.ID, s.Type, s.Body), sig) {
		return fmt.Errorf("the signature does not verify with %s's key", short(s.Author))
	}
	return nil
}

// Ledger is a log that takes signed submissions: it appends those whose
// signature verifies and that were not sent before, and records every
// refusal as an entry too.
type Ledger struct {
	*Log
	Registry *Registry

	mu   sync.Mutex
	seen map[[2]string]bool
}

// OpenLedger opens a log and learns the submissions it holds.
func OpenLedger(path string, reg *Registry) (*Ledger, error) {
	l, err := Open(path)
	if err != nil {
		return nil, err
	}
	led := &Ledger{Log: l, Registry: reg, seen: map[[2]string]bool{}}
	for i := int64(0); i < l.Len(); i++ {
		rec, err := l.Record(i)
		if err != nil {
			l.Close()
			return nil, err
		}
		e, err := decodeEntry(rec)
		if err != nil {
			l.Close()
			return nil, err
		}
		if e.Kind == KindSubmission {
			led.seen[[2]string{e.Author, e.ID}] = true
		}
	}
	return led, nil
}

// Seen reports whether the log holds a submission (author, id).
func (l *Ledger) Seen(author, id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seen[[2]string{author, id}]
}

// Submit appends a signed submission and returns its sequence number. A
// submission too large to store, whose body is not one JSON value or whose
// author, id or type is not UTF-8 (it could not be stored as signed), with
// a bad signature, an unknown author or an (author, id) already in the log is
// refused: the refusal is appended (so the record shows it; small whatever
// the submission, see MaxRefusedField) and the error, an *accord.Error with
// code EINVALID, says why.
func (l *Ledger) Submit(s Submission) (int64, error) {
	// Verify outside any lock (it is the costly part), reserve the key,
	// then wait for durability without holding the lock, so that
	// concurrent submissions share a commit.
	reason := ""
	if n := len(s.Author) + len(s.ID) + len(s.Type) + len(s.Body) + len(s.Sig); n > MaxEntry {
		reason = fmt.Sprintf("the submission is too large to store: %d bytes of author, id, type, body and signature, over the limit of %d bytes an entry (ledger.MaxEntry)", n, MaxEntry)
	} else if f := invalidUTF8(&s); f != "" {
		reason = fmt.Sprintf("the %s is not valid UTF-8: it could not be stored as signed", f)
	} else if err := checkBody(s.Body); err != nil {
		reason = err.Error()
	} else if err := l.Registry.Check(&s); err != nil {
		reason = err.Error()
	} else {
		key := [2]string{s.Author, s.ID}
		l.mu.Lock()
		if l.seen[key] {
			reason = fmt.Sprintf("replayed submission: %s already sent %s", short(s.Author), quote(s.ID))
		} else {
			l.seen[key] = true
		}
		l.mu.Unlock()
		if reason == "" {
			seq, err := l.Append(SubmissionEntry(s))
			if err == nil {
				return seq, nil
			}
			l.mu.Lock()
			delete(l.seen, key)
			l.mu.Unlock()
			var se *sizeError
			if !errors.As(err, &se) {
				return seq, err
			}
			reason = "the submission is too large to store: " + se.Error()
		}
	}
	if _, err := l.Append(RefusalEntry(s, reason)); err != nil {
		return 0, err
	}
	return 0, accord.Errorf(accord.EINVALID, "submission %s by %s refused: %s", quote(s.ID), quote(s.Author), reason)
}

// invalidUTF8 names the first of a submission's author, id and type that
// is not valid UTF-8 (JSON would store it changed), or is "".
func invalidUTF8(s *Submission) string {
	for _, f := range [][2]string{{"author", s.Author}, {"id", s.ID}, {"type", s.Type}} {
		if !utf8.ValidString(f[1]) {
			return f[0]
		}
	}
	return ""
}
