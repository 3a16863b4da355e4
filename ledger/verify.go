package ledger

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord"
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
	if p.Offset < 0 {
		return fmt.Sprintf("entry %d: %s", p.Entry, p.Msg)
	}
	return fmt.Sprintf("entry %d (byte %d): %s", p.Entry, p.Offset, p.Msg)
}

// Report is the result of verifying a log.
type Report struct {
	Entries  int64
	Tree     tlog.Tree // of every entry read
	Problems []Problem
	// TornTail is the length in bytes of a torn tail after the entries the
	// checkpoint covers, where the entries end: the end of a write that
	// never completed, so never acknowledged — not part of the record, and
	// not a problem (Open cuts it).
	TornTail int64
	// Submissions are the verified submissions, in order (a sealed one's
	// signature is checked once it is opened: its content is restricted).
	Submissions []Entry
	// Sealed counts the entries whose content is sealed (accord.Seal): the record
	// holds a commitment to it, and the content is served to those who may
	// read it.
	Sealed int
}

// OK reports whether nothing is wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// maxListed is how many problems Err lists.
const maxListed = 10

// Err is nil when nothing is wrong; else an *accord.Error of code
// EINVALID saying that the log does not verify and listing its problems,
// each with its entry and byte offset (the first ten, and how many more).
// The caller names the log.
func (r *Report) Err() error {
	if r.OK() {
		return nil
	}
	var b strings.Builder
	for k, p := range r.Problems {
		if k == maxListed {
			fmt.Fprintf(&b, "\n  and %d more", len(r.Problems)-maxListed)
			break
		}
		b.WriteString("\n  " + p.String())
	}
	return accord.Errorf(accord.EINVALID, "the log does not verify (%d problem(s)):%s", len(r.Problems), b.String())
}

// Verify checks a log's bytes on their own, trusting nothing in them: the
// framing, each entry's canonical form, sequence number and link to the
// entry before it, each submission's signature and uniqueness, each
// refusal's form; and, against a checkpoint already verified, that the
// tree of its first N entries has its root. Every problem is reported with
// the entry and byte offset it concerns.
func Verify(data []byte, reg *Registry, checkpoint *tlog.Tree) *Report {
	return NewVerifier(reg).Extend(data, checkpoint)
}

// VerifyChain is Verify for a reader without the authors' keys (a report
// read from a data directory, a reveal checked against a copy of the
// record): every check but the submissions' signatures — the framing,
// each entry's canonical form, sequence number and link to the entry
// before it, each submission's uniqueness, each refusal's form, and the
// checkpoint. A nil checkpoint is the empty tree: with nothing to hold the
// log to, a torn tail is taken as Open takes it (the end of a write never
// acknowledged: TornTail, not a problem). Who signed a submission is for
// Verify, with the keys, to say.
func VerifyChain(data []byte, checkpoint *tlog.Tree) *Report {
	if checkpoint == nil {
		empty, _ := tlog.TreeHash(0, nil)
		checkpoint = &tlog.Tree{N: 0, Hash: empty}
	}
	v := NewVerifier(nil)
	v.unsigned = true
	return v.Extend(data, checkpoint)
}

// Verifier is Verify kept between calls, for a copy of a log that grows
// (a witness's): each Extend checks the entries that follow those checked
// before, with what they left — the last entry's hash for the link, the
// submissions seen for their uniqueness, the tree's stored hashes — so
// that a round costs what it adds, not the whole copy. Verify is one
// Extend of a new Verifier.
type Verifier struct {
	reg    *Registry
	n      int64               // entries checked
	last   tlog.Hash           // the record hash of entry n−1
	seen   map[[2]string]int64 // submissions by (author, id): the entry
	hashes []tlog.Hash         // the tree's stored hashes (tlog)
	spoilt bool
	// unsigned: the submissions' signatures are not checked (VerifyChain).
	unsigned bool
}

// NewVerifier returns a verifier of a log from its first entry, checking
// submissions' signatures with reg.
func NewVerifier(reg *Registry) *Verifier {
	return &Verifier{reg: reg, seen: map[[2]string]int64{}}
}

// Len is the number of entries the verifier has checked.
func (v *Verifier) Len() int64 { return v.n }

// reader reads the tree's stored hashes.
func (v *Verifier) reader() tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x >= int64(len(v.hashes)) {
				return nil, fmt.Errorf("hash %d not stored", x)
			}
			out[i] = v.hashes[x]
		}
		return out, nil
	})
}

// Extend checks data, the framed entries that follow the Len() entries
// checked, as Verify checks a whole log (entry numbers count from the
// log's first entry, byte offsets from data's first byte), and against a
// checkpoint covering them all. Once a report has problems the verifier
// is spoilt: every later Extend reports that, and the caller starts a new
// one.
func (v *Verifier) Extend(data []byte, checkpoint *tlog.Tree) *Report {
	rep := &Report{}
	add := func(i, off int64, f string, a ...any) {
		rep.Problems = append(rep.Problems, Problem{Entry: i, Offset: off, Msg: fmt.Sprintf(f, a...)})
	}
	if v.spoilt {
		add(-1, -1, "this verifier found problems before: verify the log again from its first entry")
		return rep
	}
	defer func() { v.spoilt = !rep.OK() }()
	reader := v.reader()
	first := v.n
	// Pass 1: split the frames (sequential, cheap).
	type frame struct {
		rec []byte
		off int64
	}
	var frames []frame
	r := bytes.NewReader(data)
	var off int64
	var torn func() // reports a torn tail once the entries are counted
	for off < int64(len(data)) {
		rec, n, err := readFrame(r, int64(len(data))-off)
		why := ""
		if err != nil {
			why = tornWhy(data[off:], off, first+int64(len(frames)))
		} else if rec[len(rec)-1] == 0 {
			// No record ends with a zero byte: its data may stop at a page.
			why = tornWhy(data[off:], off, first+int64(len(frames)))
		}
		if why != "" {
			k, at, rest := first+int64(len(frames)), off, int64(len(data))-off
			torn = func() {
				if checkpoint != nil && k >= checkpoint.N {
					rep.TornTail = rest
					return
				}
				if checkpoint == nil {
					add(k, at, "unreadable frame: %s; %d bytes from here are not entries (a torn tail; with no checkpoint to show where the entries end, it is reported)", why, rest)
					return
				}
				add(k, at, "unreadable frame: %s; %d bytes from here are not entries (a torn tail, before the last entry a checkpoint covers)", why, rest)
			}
			break
		}
		if err != nil {
			add(first+int64(len(frames)), off, "unreadable frame: %v; %d bytes from here are not entries", err, int64(len(data))-off)
			break
		}
		frames = append(frames, frame{rec, off})
		off += n
	}
	// Pass 2: decode the entries and hash the records on every core.
	entries := make([]*Entry, len(frames))
	errs := make([]error, len(frames))
	rhash := make([]tlog.Hash, len(frames))
	parallel(len(frames), func(k int) {
		entries[k], errs[k] = decodeEntry(frames[k].rec)
		rhash[k] = tlog.RecordHash(frames[k].rec)
	})
	// Pass 3: the chain, uniqueness and the tree, in order.
	var sigs []sigCheck
	last, i := v.last, v.n
	for k, f := range frames {
		e := entries[k]
		switch {
		case errs[k] != nil:
			add(i, f.off, "not an entry: %v", errs[k])
		case e.Seq != i:
			add(i, f.off, "sequence number %d, want %d: an entry is missing, repeated or out of order", e.Seq, i)
		case e.Prev != last:
			add(i, f.off, "its prev hash does not match entry %d: entry %d was changed, or entries were reordered", i-1, i-1)
		default:
			checkEntry(e, i, f.off, v.seen, add)
			_, sealed := accord.SealOf(e.Body)
			if sealed {
				rep.Sealed++
			}
			if e.Kind == KindSubmission {
				rep.Submissions = append(rep.Submissions, *e)
				if !sealed {
					sigs = append(sigs, sigCheck{i: i, off: f.off, e: e})
				}
			}
		}
		hs, err := tlog.StoredHashesForRecordHash(i, rhash[k], reader)
		if err != nil {
			add(-1, -1, "%v", err)
			break
		}
		v.hashes = append(v.hashes, hs...)
		last = rhash[k]
		i++
	}
	v.n, v.last = i, last
	rep.Entries = i
	if torn != nil {
		torn()
	}
	if !v.unsigned {
		rep.Problems = append(rep.Problems, checkSignatures(sigs, v.reg)...)
	}
	// Located problems in entry order; those of the whole log last.
	key := func(p Problem) int64 {
		if p.Entry < 0 {
			return math.MaxInt64
		}
		return p.Entry
	}
	sort.SliceStable(rep.Problems, func(a, b int) bool { return key(rep.Problems[a]) < key(rep.Problems[b]) })
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

// sigCheck is a submission whose signature remains to be checked.
type sigCheck struct {
	i, off int64
	e      *Entry
}

// checkSignatures verifies the submissions' signatures on every core; the
// problems come back in entry order.
func checkSignatures(sigs []sigCheck, reg *Registry) []Problem {
	out := make([]*Problem, len(sigs))
	parallel(len(sigs), func(k int) {
		c := sigs[k]
		s := Submission{Author: c.e.Author, ID: c.e.ID, Type: c.e.Type, Body: c.e.Body, Sig: c.e.Sig}
		if err := reg.Check(&s); err != nil {
			out[k] = &Problem{Entry: c.i, Offset: c.off, Msg: fmt.Sprintf("submission %s by %s: %v", quote(c.e.ID), quote(c.e.Author), err)}
		}
	})
	var ps []Problem
	for _, p := range out {
		if p != nil {
			ps = append(ps, *p)
		}
	}
	return ps
}

// parallel runs f(0..n-1) on every core, in chunks.
func parallel(n int, f func(int)) {
	workers := runtime.GOMAXPROCS(0)
	const chunk = 1024
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= n {
					return
				}
				for k := lo; k < min(lo+chunk, n); k++ {
					f(k)
				}
			}
		}()
	}
	wg.Wait()
}

func checkEntry(e *Entry, i, off int64, seen map[[2]string]int64, add func(int64, int64, string, ...any)) {
	switch e.Kind {
	case KindSubmission:
		key := [2]string{e.Author, e.ID}
		if j, dup := seen[key]; dup {
			add(i, off, "submission %s by %s repeats entry %d: a replay the log should have refused", quote(e.ID), quote(e.Author), j)
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
		add(i, off, "unknown kind %s", quote(e.Kind))
	}
	if e.Kind != KindRefusal && len(e.Cut) > 0 {
		add(i, off, "a %s entry with cut fields: only a refusal's fields are cut", e.Kind)
	}
	for k, c := range e.Cut {
		v, ok := map[string]string{"author": e.Author, "id": e.ID, "type": e.Type}[c.Field]
		switch {
		case !ok || slices.ContainsFunc(e.Cut[:k], func(d Cut) bool { return d.Field == c.Field }):
			add(i, off, "cut field %s: not author, id or type, or cut twice", quote(c.Field))
		case len(v) > MaxRefusedField || c.Len <= MaxRefusedField || len(c.SHA256) != 64:
			add(i, off, "cut field %s: %d bytes kept of %d, SHA-256 %s: want at most %d kept of more, and a hex SHA-256", quote(c.Field), len(v), c.Len, quote(c.SHA256), MaxRefusedField)
		}
	}
}

// tornWhy says why the bytes from a frame at off to the end of the log are
// a torn tail — the end of a write that never completed — or "" when they
// are not (as Open tells them apart): a frame that runs past the end and
// is not a whole entry, zero bytes only, or a frame whose data stops at a
// page boundary with zeros from there to the end.
func tornWhy(tail []byte, off, seq int64) string {
	if len(tail) < headerLen {
		return fmt.Sprintf("a frame header of %d bytes, cut short", len(tail))
	}
	z := len(tail)
	for z > 0 && tail[z-1] == 0 {
		z--
	}
	if z == 0 {
		return "zero bytes only"
	}
	n := int64(binary.BigEndian.Uint32(tail))
	rest := int64(len(tail) - headerLen)
	switch {
	case n == 0 || n > MaxEntry:
		return ""
	case n > rest:
		if e, err := decodeEntry(tail[headerLen:]); err == nil && e.Seq == seq {
			return "" // a whole entry: the frame's length was changed
		}
		return fmt.Sprintf("a frame of %d bytes with %d written", n, rest)
	case z >= headerLen && (off+int64(z))%pageSize == 0 && int64(z) < headerLen+n:
		return fmt.Sprintf("a frame of %d bytes whose data stops at byte %d, zeros from there to the end", n, off+int64(z))
	}
	return ""
}
