package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Problem is one thing wrong with a log, located.
type Problem struct {
	Entry  int64 // -1 when it concerns the whole log
	Offset int64 // byte offset of the entry's frame, -1 when unknown
	Msg    string
}

func (p Problem) String() string {
	if p.Entry < 0 {
		return p.Msg
	}
	return fmt.Sprintf("entry %d (byte %d): %s", p.Entry, p.Offset, p.Msg)
}

// Report is the result of verifying a log.
type Report struct {
	Entries  int64
	Tree     tlog.Tree // of every entry read
	Problems []Problem
	// Submissions are the verified submissions, in order.
	Submissions []Entry
}

// OK reports whether nothing is wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Verify checks a log's bytes on their own, trusting nothing in them: the
// framing, each entry's canonical form, sequence number and link to the
// entry before it, each submission's signature and uniqueness, each
// refusal's form; and, against a checkpoint already verified, that the
// tree of its first N entries has its root. Every problem is reported with
// the entry and byte offset it concerns.
func Verify(data []byte, reg *Registry, checkpoint *tlog.Tree) *Report {
	rep := &Report{}
	add := func(i, off int64, f string, a ...any) {
		rep.Problems = append(rep.Problems, Problem{Entry: i, Offset: off, Msg: fmt.Sprintf(f, a...)})
	}
	var hashes []tlog.Hash
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x >= int64(len(hashes)) {
				return nil, fmt.Errorf("hash %d not stored", x)
			}
			out[i] = hashes[x]
		}
		return out, nil
	})
	seen := map[[2]string]int64{}
	var last tlog.Hash
	r := bytes.NewReader(data)
	var off int64
	var i int64
	for off < int64(len(data)) {
		rec, n, err := readFrame(r, int64(len(data))-off)
		if err != nil {
			add(i, off, "unreadable frame: %v; %d bytes from here are not entries", err, int64(len(data))-off)
			break
		}
		e, err := decodeEntry(rec)
		switch {
		case err != nil:
			add(i, off, "not an entry: %v", err)
		case e.Seq != i:
			add(i, off, "sequence number %d, want %d: an entry is missing, repeated or out of order", e.Seq, i)
		case e.Prev != last:
			add(i, off, "its prev hash does not match entry %d: entry %d was changed, or entries were reordered", i-1, i-1)
		default:
			checkEntry(e, i, off, reg, seen, add)
			if e.Kind == KindSubmission {
				rep.Submissions = append(rep.Submissions, *e)
			}
		}
		hs, err := tlog.StoredHashes(i, rec, reader)
		if err != nil {
			add(-1, -1, "%v", err)
			break
		}
		hashes = append(hashes, hs...)
		last = tlog.RecordHash(rec)
		off += n
		i++
	}
	rep.Entries = i
	if th, err := tlog.TreeHash(i, reader); err == nil {
		rep.Tree = tlog.Tree{N: i, Hash: th}
	}
	if checkpoint != nil {
		switch {
		case i < checkpoint.N:
			add(i, off, "missing: the checkpoint covers %d entries and the log ends after %d; entries %d to %d were dropped or the log truncated", checkpoint.N, i, i, checkpoint.N-1)
		default:
			th, err := tlog.TreeHash(checkpoint.N, reader)
			if err != nil || th != checkpoint.Hash {
				if len(rep.Problems) == 0 && checkpoint.N > 0 {
					// Every link checked: only the last entry the checkpoint
					// covers can differ.
					add(checkpoint.N-1, -1, "the tree of the first %d entries does not match the checkpoint: entry %d was changed", checkpoint.N, checkpoint.N-1)
				} else {
					add(-1, -1, "the tree of the first %d entries does not match the checkpoint", checkpoint.N)
				}
			}
		}
	}
	return rep
}

func checkEntry(e *Entry, i, off int64, reg *Registry, seen map[[2]string]int64, add func(int64, int64, string, ...any)) {
	switch e.Kind {
	case KindSubmission:
		s := Submission{Author: e.Author, ID: e.ID, Type: e.Type, Body: e.Body, Sig: e.Sig}
		if err := reg.Check(&s); err != nil {
			add(i, off, "submission %q by %q: %v", e.ID, e.Author, err)
		}
		key := [2]string{e.Author, e.ID}
		if j, dup := seen[key]; dup {
			add(i, off, "submission %q by %q repeats entry %d: a replay the log should have refused", e.ID, e.Author, j)
		}
		seen[key] = i
	case KindRefusal:
		if e.Reason == "" || e.Body != nil || e.Sig != "" {
			add(i, off, "a refusal carries a reason and nothing of the refused body")
		}
	case KindDerived:
		if e.Type == "" || !json.Valid(e.Body) {
			add(i, off, "a derived entry needs a type and a JSON body")
		}
	default:
		add(i, off, "unknown kind %q", e.Kind)
	}
}
