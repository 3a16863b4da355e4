package ledger

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// Check verifies a submission as Submit would, without appending it: that
// it can be stored as signed (CheckEntry: its size, its body, UTF-8), its
// signature, and that (author, id) is not in the log yet. The caller that
// then appends it with AppendAll (with the entries it caused, in one
// durable batch) makes it seen there.
func (l *Ledger) Check(s *Submission) error {
	if err := CheckEntry(SubmissionEntry(*s)); err != nil {
		return err
	}
	if err := l.Registry.Check(s); err != nil {
		return err
	}
	if l.Seen(s.Author, s.ID) {
		return fmt.Errorf("replayed submission: %s already sent %s", short(s.Author), quote(s.ID))
	}
	return nil
}

// ErrReplayed is what AppendAll's error wraps when a submission of the
// batch is in the log already: nothing was appended.
var ErrReplayed = errors.New("replayed submission")

// AppendAll appends entries in one durable batch, as Log.AppendAll does,
// and learns the submissions among them, so that a later one with the same
// (author, id) is refused as a replay. A submission already seen is not
// appended: the whole batch is refused.
func (l *Ledger) AppendAll(es []Entry) ([]int64, error) {
	durable, err := l.AppendAllLater(es)
	if err != nil {
		return nil, err
	}
	return durable()
}

// AppendAllLater is AppendAll as Log.AppendAllLater: it returns once the
// entries are queued (a replay refused at once), with the wait for their
// indexes; the submissions among them are seen from the call on, and
// forgotten again if they are not written.
func (l *Ledger) AppendAllLater(es []Entry) (func() ([]int64, error), error) {
	var keys [][2]string
	l.mu.Lock()
	for _, e := range es {
		if e.Kind != KindSubmission {
			continue
		}
		key := [2]string{e.Author, e.ID}
		if l.seen[key] {
			for _, k := range keys {
				delete(l.seen, k)
			}
			l.mu.Unlock()
			return nil, fmt.Errorf("%w: %s already sent %q", ErrReplayed, e.Author, e.ID)
		}
		l.seen[key] = true
		keys = append(keys, key)
	}
	l.mu.Unlock()
	forget := func() {
		l.mu.Lock()
		for _, k := range keys {
			delete(l.seen, k)
		}
		l.mu.Unlock()
	}
	durable, err := l.Log.AppendAllLater(es)
	if err != nil {
		forget()
		return nil, err
	}
	return func() ([]int64, error) {
		seqs, err := durable()
		if err != nil {
			forget()
		}
		return seqs, err
	}, nil
}

// SubmissionEntry is the entry that records an accepted submission.
func SubmissionEntry(s Submission) Entry {
	return Entry{Kind: KindSubmission, Author: s.Author, ID: s.ID, Type: s.Type, Body: s.Body, Sig: s.Sig}
}

// RefusalEntry is the entry that records a refused submission and why:
// nothing of its body, and its author, id and type cut to a bounded length
// (with the SHA-256 of what was cut), so a refusal is small whatever was
// sent, and its reason to 1 KiB.
func RefusalEntry(s Submission, reason string) Entry {
	if len(reason) > maxReason {
		reason = fmt.Sprintf("%s… (%d bytes)", prefix(strings.ToValidUTF8(reason, "\uFFFD"), maxReason), len(reason))
	}
	return refusal(&s, strings.ToValidUTF8(reason, "\uFFFD"))
}

// maxReason bounds a refusal's reason as RefusalEntry records it (the
// reason may quote what was sent).
const maxReason = 1024

// Entries calls fn with the first n entries of a log's bytes, in order
// (what Verify counted in Report.Entries), and stops at the first frame or
// entry it cannot read (an error naming it) or the first error fn returns.
// It checks nothing else: Verify does.
func Entries(data []byte, n int64, fn func(i int64, e *Entry) error) error {
	return EntriesFrom(data, 0, n, fn)
}

// EntriesFrom is Entries for a log's bytes from entry first on: fn is
// called with entries first to first+n−1, numbered so.
func EntriesFrom(data []byte, first, n int64, fn func(i int64, e *Entry) error) error {
	r := bytes.NewReader(data)
	var off int64
	for i := first; i < first+n; i++ {
		rec, size, err := readFrame(r, int64(len(data))-off)
		if err != nil {
			return fmt.Errorf("entry %d at byte %d: %v", i, off, err)
		}
		e, err := decodeEntry(rec)
		if err != nil {
			return fmt.Errorf("entry %d at byte %d: %v", i, off, err)
		}
		if err := fn(i, e); err != nil {
			return err
		}
		off += size
	}
	return nil
}
