package ledger

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/fsync"
)

// Opening a log tells a torn tail — the end of a write that never
// completed, so that no one was told it was stored — from damage to an
// acknowledged entry. A torn tail is cut, and said so; damage is refused,
// the file left as it is.

// pageSize is the unit a crash leaves written or unwritten.
const pageSize = 4096

// tornTail is the end of the file Open cut.
type tornTail struct {
	entry  int64 // the entry it would have been
	off, n int64 // where it began, how many bytes
	why    string
}

// Open opens or creates a log file. A torn tail is cut: a frame that runs
// past the end of the file, only zero bytes after the last good frame, or
// a frame whose data stops at a page boundary with only zeros from there to
// the end (what a power loss leaves); Torn says what was cut, and it is
// logged. Anything else wrong — a complete frame that is not a canonical
// entry, or with the wrong sequence number or link, the last one included —
// is damage to an acknowledged entry: Open returns an *accord.Error of code
// EINVALID naming the file, the entry, the byte offset and what is wrong,
// and leaves the file as it is. So it does when the log does not extend
// the tree saved beside it (see Remember): entries lost, or another
// history.
func Open(path string) (*Log, error) {
	_, err := os.Stat(path)
	created := errors.Is(err, fs.ErrNotExist)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	l := &Log{path: path, f: f, reqs: make(chan *appendReq, 4096), closed: make(chan struct{})}
	torn, err := l.load()
	if err == nil {
		err = l.checkSaved()
	}
	if err != nil {
		f.Close()
		if created {
			os.Remove(path) // left as it was: absent
		}
		return nil, err
	}
	if torn.n > 0 {
		if err := f.Truncate(torn.off); err != nil {
			f.Close()
			return nil, err
		}
		if err := fsync.File(f); err != nil {
			f.Close()
			return nil, err
		}
		l.size, l.torn = torn.off, torn
		slog.Warn("ledger: cut a torn tail (a write that never completed)", "file", path, "entry", torn.entry, "offset", torn.off, "bytes", torn.n, "what", torn.why)
	}
	if _, err := f.Seek(l.size, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	l.done.Add(1)
	go l.commit()
	return l, nil
}

// Torn says where the torn tail Open cut began and how many bytes it was;
// n is 0 when there was none.
func (l *Log) Torn() (off, n int64) { return l.torn.off, l.torn.n }

// load reads every frame, checking each entry's sequence and chain, and
// returns the torn tail after the last good entry (n is 0 when none).
func (l *Log) load() (tornTail, error) {
	st, err := l.f.Stat()
	if err != nil {
		return tornTail{}, err
	}
	l.size = st.Size()
	r := bufio.NewReaderSize(io.NewSectionReader(l.f, 0, l.size), 1<<20)
	var off int64
	for off < l.size {
		k, remaining := int64(len(l.offsets)), l.size-off
		torn := func(f string, a ...any) (tornTail, error) {
			return tornTail{entry: k, off: off, n: remaining, why: fmt.Sprintf(f, a...)}, nil
		}
		damaged := func(f string, a ...any) (tornTail, error) {
			return tornTail{}, accord.Errorf(accord.EINVALID, "%s: entry %d at byte %d: %s; the file is left as it is", l.path, k, off, fmt.Sprintf(f, a...))
		}
		if remaining < headerLen {
			return torn("a frame header of %d bytes, cut short", remaining)
		}
		var h [headerLen]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return tornTail{}, err
		}
		n := int64(binary.BigEndian.Uint32(h[:]))
		if n == 0 || n > MaxEntry {
			z, err := l.zerosFrom(off)
			if err != nil {
				return tornTail{}, err
			}
			if z == off {
				return torn("zero bytes only")
			}
			return damaged("frame length %d out of range (1 to %d bytes)", n, MaxEntry)
		}
		if n > remaining-headerLen {
			// The frame runs past the end: torn, unless what there is of
			// it is a whole entry (then its length field was changed).
			rest := make([]byte, remaining-headerLen)
			if _, err := io.ReadFull(r, rest); err != nil {
				return tornTail{}, err
			}
			if e, err := decodeEntry(rest); err == nil && l.check(e) == nil {
				return damaged("the frame says %d bytes, but the file ends after %d that hold a whole entry: the frame's length was changed", n, len(rest))
			}
			return torn("a frame of %d bytes with %d written", n, len(rest))
		}
		rec := make([]byte, n)
		if _, err := io.ReadFull(r, rec); err != nil {
			return tornTail{}, err
		}
		e, err := decodeEntry(rec)
		if err == nil {
			err = l.check(e)
		}
		if err != nil {
			// The frame is complete: damage, unless its data stops at a
			// page boundary with zeros from there to the end of the file.
			z, zerr := l.zerosFrom(off + headerLen)
			if zerr != nil {
				return tornTail{}, zerr
			}
			if z%pageSize == 0 && z < off+headerLen+n && z < l.size {
				return torn("a frame of %d bytes whose data stops at byte %d, zeros from there to the end", n, z)
			}
			return damaged("%v", err)
		}
		if err := l.add(rec, off); err != nil {
			return tornTail{}, err
		}
		off += headerLen + n
	}
	return tornTail{}, nil
}

// zerosFrom is where the run of zero bytes that ends the file begins, not
// before from (the file's size when it does not end with a zero).
func (l *Log) zerosFrom(from int64) (int64, error) {
	buf := make([]byte, 64<<10)
	end := l.size
	for end > from {
		lo := max(from, end-int64(len(buf)))
		b := buf[:end-lo]
		if _, err := l.f.ReadAt(b, lo); err != nil {
			return 0, err
		}
		for i := len(b) - 1; i >= 0; i-- {
			if b[i] != 0 {
				return lo + int64(i) + 1, nil
			}
		}
		end = lo
	}
	return from, nil
}

// readFrame reads one frame; n is the bytes it spans (as far as known).
func readFrame(r io.Reader, remaining int64) ([]byte, int64, error) {
	var h [headerLen]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, remaining, io.ErrUnexpectedEOF
	}
	n := int64(binary.BigEndian.Uint32(h[:]))
	if n == 0 || n > MaxEntry {
		return nil, headerLen, fmt.Errorf("frame length %d out of range", n)
	}
	if n > remaining-headerLen {
		return nil, remaining, io.ErrUnexpectedEOF
	}
	rec := make([]byte, n)
	if _, err := io.ReadFull(r, rec); err != nil {
		return nil, remaining, io.ErrUnexpectedEOF
	}
	return rec, headerLen + n, nil
}
