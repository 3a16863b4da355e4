package ledger

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/accord-peace/accord/internal/fsync"
	"golang.org/x/mod/sumdb/tlog"
)

// Log is an append-only, durable log of entries on one file. Appends from
// any number of goroutines are committed in batches: written, fsynced,
// then acknowledged.
type Log struct {
	path string
	f    *os.File

	mu      sync.RWMutex
	hashes  hashList  // tlog stored hashes
	offsets []int64   // file offset of each entry's frame
	last    tlog.Hash // record hash of the last entry
	size    int64     // file size

	torn   tornTail // what Open cut
	treeMu sync.Mutex
	saved  tlog.Tree // the latest tree saved beside the log

	reqs      chan *appendReq
	closed    chan struct{}
	done      sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
	closeMu   sync.RWMutex // held for reading while sending a request
	isClosed  bool
}

type appendReq struct {
	rest []byte // the record after seq and prev (encodeRest)
	seq  int64
	err  error
	ok   chan struct{}
}

// frame header: the record's length, big-endian.
const headerLen = 4

// MaxEntry bounds one entry's record, in bytes: the reader refuses a
// longer frame, so Append refuses an entry whose record could be longer.
const MaxEntry = 16 << 20

// check verifies an entry's place in the chain.
func (l *Log) check(e *Entry) error {
	n := int64(len(l.offsets))
	if e.Seq != n {
		return fmt.Errorf("sequence number %d, want %d: an entry is missing, repeated or out of order", e.Seq, n)
	}
	if e.Prev != l.last {
		return fmt.Errorf("its prev hash does not match entry %d: an entry before it was changed", n-1)
	}
	return nil
}

// add records a checked entry's hashes.
func (l *Log) add(rec []byte, off int64) error {
	n := int64(len(l.offsets))
	h := tlog.RecordHash(rec) // tlog.StoredHashes, hashing the record once
	hs, err := tlog.StoredHashesForRecordHash(n, h, l.hashReader())
	if err != nil {
		return err
	}
	l.hashes.append(hs...)
	l.offsets = append(l.offsets, off)
	l.last = h
	return nil
}

func (l *Log) hashReader() tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x >= l.hashes.len() {
				return nil, fmt.Errorf("hash %d not stored", x)
			}
			out[i] = l.hashes.at(x)
		}
		return out, nil
	})
}

// Append adds an entry (its Seq and Prev are assigned) and returns its
// sequence number once it is durable. An entry that cannot be stored (see
// CheckEntry: a body that is not one JSON value, a string that is not
// UTF-8, a record that could pass MaxEntry) is refused with an
// *accord.Error of code EINVALID, and nothing of it is written.
func (l *Log) Append(e Entry) (int64, error) {
	seqs, err := l.AppendAll([]Entry{e})
	if seqs == nil {
		return 0, err
	}
	return seqs[0], err
}

// AppendAll adds entries in order and returns once all are durable; they
// share commits. If any entry cannot be stored, none is written.
func (l *Log) AppendAll(es []Entry) ([]int64, error) {
	durable, err := l.AppendAllLater(es)
	if err != nil {
		return nil, err
	}
	return durable()
}

// AppendAllLater is AppendAll that returns once the entries are queued,
// with a wait that returns their indexes once they are durable: the
// caller works meanwhile, and what it queues next shares their commit or
// follows it. The entries of calls made one after the other (never at
// once) are written in that order, each call's together.
func (l *Log) AppendAllLater(es []Entry) (durable func() ([]int64, error), err error) {
	reqs := make([]*appendReq, len(es))
	for i := range es {
		rest, err := es[i].checkedRest()
		if err != nil {
			return nil, l.refuse(es, i, err)
		}
		reqs[i] = &appendReq{rest: rest, ok: make(chan struct{})}
	}
	l.closeMu.RLock()
	if l.isClosed {
		l.closeMu.RUnlock()
		return nil, errors.New("ledger: log closed")
	}
	for _, r := range reqs {
		l.reqs <- r
	}
	l.closeMu.RUnlock()
	return func() ([]int64, error) {
		seqs := make([]int64, len(es))
		var first error
		for i, r := range reqs {
			<-r.ok
			seqs[i] = r.seq
			if r.err != nil && first == nil {
				first = r.err
			}
		}
		return seqs, first
	}, nil
}

// refuse is the error for entry i of es, which cannot be stored.
func (l *Log) refuse(es []Entry, i int, err error) error {
	e := entryError(&es[i], err)
	e.Message = l.path + ": " + e.Message
	if len(es) > 1 {
		e.Message += fmt.Sprintf(" (%d of %d appended together; none written)", i+1, len(es))
	}
	return e
}

// commit writes batches of appends, one fsync per batch.
func (l *Log) commit() {
	defer l.done.Done()
	w := bufio.NewWriterSize(l.f, 1<<20)
	batch := make([]*appendReq, 0, 1024)
	for {
		var first *appendReq
		select {
		case first = <-l.reqs:
		case <-l.closed:
			// No request can arrive any more: finish those queued.
			for len(l.reqs) > 0 {
				batch = append(batch[:0], <-l.reqs)
				l.writeBatch(w, batch)
			}
			return
		}
		batch = append(batch[:0], first)
	drain:
		for len(batch) < cap(batch) {
			select {
			case r := <-l.reqs:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		l.writeBatch(w, batch)
	}
}

func (l *Log) writeBatch(w *bufio.Writer, batch []*appendReq) {
	l.mu.Lock()
	defer l.mu.Unlock()
	startHashes, startOffsets, startLast, startSize := l.hashes.len(), len(l.offsets), l.last, l.size
	var err error
	var rec []byte
	off := l.size
	for _, r := range batch {
		seq := int64(len(l.offsets))
		rec = appendRecord(rec[:0], seq, l.last, r.rest)
		var h [headerLen]byte
		binary.BigEndian.PutUint32(h[:], uint32(len(rec)))
		w.Write(h[:])
		w.Write(rec)
		if err = l.add(rec, off); err != nil {
			break
		}
		r.seq = seq
		off += headerLen + int64(len(rec))
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = fsync.File(l.f)
	}
	if err != nil {
		// Nothing of the batch is acknowledged; forget it in memory and cut
		// the file back.
		l.hashes.truncate(startHashes)
		l.offsets, l.last = l.offsets[:startOffsets], startLast
		w.Reset(l.f)
		_ = l.f.Truncate(startSize)
		_, _ = l.f.Seek(startSize, io.SeekStart)
	} else {
		l.size = off
	}
	for _, r := range batch {
		r.err = err
		close(r.ok)
	}
}

// Close stops the committer, saves the log's tree beside it (see
// Remember) and closes the file; closing twice is harmless.
func (l *Log) Close() error {
	l.closeOnce.Do(func() {
		l.closeMu.Lock()
		l.isClosed = true
		l.closeMu.Unlock()
		close(l.closed)
		l.done.Wait()
		t, err := l.Tree(l.Len())
		if err == nil {
			err = l.Remember(t)
		}
		l.closeErr = errors.Join(err, l.f.Close())
	})
	return l.closeErr
}

// Len is the number of entries.
func (l *Log) Len() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return int64(len(l.offsets))
}

// Record returns entry i's record bytes.
func (l *Log) Record(i int64) ([]byte, error) {
	l.mu.RLock()
	if i < 0 || i >= int64(len(l.offsets)) {
		l.mu.RUnlock()
		return nil, fmt.Errorf("no entry %d", i)
	}
	off := l.offsets[i]
	l.mu.RUnlock()
	var h [headerLen]byte
	if _, err := l.f.ReadAt(h[:], off); err != nil {
		return nil, err
	}
	rec := make([]byte, binary.BigEndian.Uint32(h[:]))
	_, err := l.f.ReadAt(rec, off+headerLen)
	return rec, err
}

// Tree is the tree of the first n entries (n ≤ Len).
func (l *Log) Tree(n int64) (tlog.Tree, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if n < 0 || n > int64(len(l.offsets)) {
		return tlog.Tree{}, fmt.Errorf("the log has %d entries, not %d", len(l.offsets), n)
	}
	h, err := tlog.TreeHash(n, l.hashReader())
	return tlog.Tree{N: n, Hash: h}, err
}

// ProveRecord proves entry i is in the tree of the first n entries.
func (l *Log) ProveRecord(n, i int64) (tlog.RecordProof, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return tlog.ProveRecord(n, i, l.hashReader())
}

// ProveTree proves the tree of n entries extends the tree of m.
func (l *Log) ProveTree(n, m int64) (tlog.TreeProof, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return tlog.ProveTree(n, m, l.hashReader())
}
