package sqlite

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	sqlite3 "modernc.org/sqlite/lib"

	"modernc.org/libc"
	"modernc.org/libc/sys/types"
)

// A commit written in one system call.
//
// SQLite's unix VFS writes a WAL frame with two pwrite calls (its header,
// then its page), and a checkpoint copies the WAL's pages into the
// database file one pwrite each: a commit of a batch of 500 observations
// was some 400 system calls, about a third of Put's CPU on a machine
// where they are dear. The VFS registered here is the unix one with the
// writes to the WAL and to the database file gathered in memory while
// they follow one another, and written (in pieces of walWriteMax) before
// anything else is done with the file: a read, a sync, a truncation, its
// size, a lock, a file control, closing it. A commit thus costs a few
// pwrite calls. What is on disk when is unchanged where it matters:
// SQLite syncs a file before it relies on what it wrote to it, and the
// sync writes first. With synchronous=FULL it syncs the WAL at every
// commit before it publishes the commit in the WAL index (so a commit is
// on disk, and visible to other connections, when it returns, as
// without the buffer), and a checkpoint syncs the database file before it
// records the frames copied. With synchronous=NORMAL nothing is done with
// the WAL at the end of a commit, so a database opened so (OpenDerived)
// does not use this VFS; nor must a database opened with it lower its
// synchronous setting.

// walVFSName is the name the VFS is registered under.
const walVFSName = "accord-walbuf"

var walVFS struct {
	once sync.Once
	err  error

	unix     uintptr // the default VFS
	unixOpen uintptr // its xOpen

	mu       sync.Mutex
	files    map[uintptr]*walFile // by sqlite3_file pointer, the files open whose writes are gathered
	methods  map[uintptr]uintptr  // the unix methods of a file -> the same, buffered
	deferred map[string]bool      // the WALs (by path) whose next sync is deferred (walsync.go)
}

// walOpen opens a file with the default VFS and, when it is a database
// or its WAL, gathers its writes.
func walOpen(tls *libc.TLS, pVfs, zName, pFile uintptr, flags int32, pOutFlags uintptr) int32 {
	rc := fn[func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32](walVFS.unixOpen)(tls, walVFS.unix, zName, pFile, flags, pOutFlags)
	f := cmem[sqlite3.Tsqlite3_file](pFile)
	if rc != sqlite3.SQLITE_OK || flags&(sqlite3.SQLITE_OPEN_WAL|sqlite3.SQLITE_OPEN_MAIN_DB) == 0 || f.FpMethods == 0 {
		return rc
	}
	walVFS.mu.Lock()
	defer walVFS.mu.Unlock()
	m, ok := walVFS.methods[f.FpMethods]
	if !ok {
		if m = bufferedMethods(tls, f.FpMethods); m == 0 {
			return rc // out of memory: the file unbuffered
		}
		walVFS.methods[f.FpMethods] = m
	}
	w := &walFile{unix: f.FpMethods, buf: make([]byte, 0, walBufferMax)}
	if flags&sqlite3.SQLITE_OPEN_WAL != 0 {
		w.name = samePath(libc.GoString(zName))
	}
	walVFS.files[pFile] = w
	f.FpMethods = m
	return rc
}

// walFile is a file open whose writes are gathered (a WAL or a
// database): the unix methods it was opened with, and the writes not yet
// made, contiguous from off; a WAL's path (walsync.go).
type walFile struct {
	name string
	unix uintptr // *sqlite3_io_methods
	off  int64
	buf  []byte
}

// walBufferMax is the most bytes gathered before they are written (the
// buffer a file is given when opened, so that it never grows), and
// walWriteMax the most the unix VFS writes in one call (its seekAndWrite
// keeps the low 17 bits of a length).
const (
	walBufferMax = 1 << 20
	walWriteMax  = 31 << 12
)

// registerWALVFS registers the VFS, once.
func registerWALVFS() error {
	walVFS.once.Do(func() {
		tls := libc.NewTLS()
		defer tls.Close()
		unix := sqlite3.Xsqlite3_vfs_find(tls, 0)
		if unix == 0 {
			walVFS.err = errors.New("no default SQLite VFS")
			return
		}
		v := libc.Xcalloc(tls, 1, types.Size_t(unsafe.Sizeof(sqlite3.Tsqlite3_vfs{})))
		name, err := libc.CString(walVFSName)
		if v == 0 || err != nil {
			walVFS.err = errors.New("out of memory registering the SQLite VFS")
			return
		}
		vfs := cmem[sqlite3.Tsqlite3_vfs](v)
		*vfs = *cmem[sqlite3.Tsqlite3_vfs](unix)
		vfs.FpNext, vfs.FzName = 0, name
		walVFS.files = make(map[uintptr]*walFile)
		walVFS.deferred = make(map[string]bool)
		walVFS.methods = make(map[uintptr]uintptr)
		walVFS.unix = unix
		walVFS.unixOpen = vfs.FxOpen
		*(*func(*libc.TLS, uintptr, uintptr, uintptr, int32, uintptr) int32)(unsafe.Pointer(&vfs.FxOpen)) = walOpen
		if rc := sqlite3.Xsqlite3_vfs_register(tls, v, 0); rc != sqlite3.SQLITE_OK {
			walVFS.err = fmt.Errorf("registering the SQLite VFS %s: code %d", walVFSName, rc)
		}
	})
	return walVFS.err
}

// bufferedMethods returns a copy of a file's methods whose writes are
// gathered and whose other methods first write what was gathered. The
// methods are functions, not closures: SQLite's memory, which holds them,
// is not seen by Go's garbage collector.
func bufferedMethods(tls *libc.TLS, unix uintptr) uintptr {
	p := libc.Xcalloc(tls, 1, types.Size_t(unsafe.Sizeof(sqlite3.Tsqlite3_io_methods{})))
	if p == 0 {
		return 0
	}
	m := cmem[sqlite3.Tsqlite3_io_methods](p)
	*m = *cmem[sqlite3.Tsqlite3_io_methods](unix)
	*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&m.FxWrite)) = walWrite
	*(*func(*libc.TLS, uintptr) int32)(unsafe.Pointer(&m.FxClose)) = walClose
	*(*func(*libc.TLS, uintptr, uintptr, int32, int64) int32)(unsafe.Pointer(&m.FxRead)) = walRead
	*(*func(*libc.TLS, uintptr, int64) int32)(unsafe.Pointer(&m.FxTruncate)) = walTruncate
	*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&m.FxSync)) = walSync
	*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&m.FxLock)) = walLock
	*(*func(*libc.TLS, uintptr, int32) int32)(unsafe.Pointer(&m.FxUnlock)) = walUnlock
	*(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&m.FxFileSize)) = walFileSize
	*(*func(*libc.TLS, uintptr, uintptr) int32)(unsafe.Pointer(&m.FxCheckReservedLock)) = walCheckReservedLock
	*(*func(*libc.TLS, uintptr, int32, uintptr) int32)(unsafe.Pointer(&m.FxFileControl)) = walFileControl
	if m.FiVersion >= 3 && m.FxFetch != 0 {
		*(*func(*libc.TLS, uintptr, int64, int32, uintptr) int32)(unsafe.Pointer(&m.FxFetch)) = walFetch
	}
	return p
}

// unixMethods returns a file's own methods, having written what it
// gathered.
func unixMethods(tls *libc.TLS, f uintptr) (*sqlite3.Tsqlite3_io_methods, int32) {
	w := walFileOf(f)
	rc := int32(sqlite3.SQLITE_OK)
	if len(w.buf) > 0 {
		rc = w.flush(tls, f)
	}
	return cmem[sqlite3.Tsqlite3_io_methods](w.unix), rc
}

// fn is the Go function at a C function pointer.
func fn[F any](p uintptr) F { return *(*F)(unsafe.Pointer(&struct{ uintptr }{p})) }

func walClose(tls *libc.TLS, f uintptr) int32 {
	u, rc := unixMethods(tls, f)
	walVFS.mu.Lock()
	delete(walVFS.files, f)
	walVFS.mu.Unlock()
	if rc2 := fn[func(*libc.TLS, uintptr) int32](u.FxClose)(tls, f); rc == sqlite3.SQLITE_OK {
		rc = rc2
	}
	return rc
}

func walRead(tls *libc.TLS, f, buf uintptr, n int32, off int64) int32 {
	u, rc := unixMethods(tls, f)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return fn[func(*libc.TLS, uintptr, uintptr, int32, int64) int32](u.FxRead)(tls, f, buf, n, off)
}

func walTruncate(tls *libc.TLS, f uintptr, size int64) int32 {
	u, rc := unixMethods(tls, f)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return fn[func(*libc.TLS, uintptr, int64) int32](u.FxTruncate)(tls, f, size)
}

// walSync writes what the file gathered and syncs it, but for a WAL
// whose next sync is deferred (walsync.go: a write without sync): its
// commit's frames are then written, and the fsync left to the WAL's
// syncer; the syncs after it are made.
func walSync(tls *libc.TLS, f uintptr, flags int32) int32 {
	u, rc := unixMethods(tls, f)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	if syncDeferred(f) {
		return sqlite3.SQLITE_OK
	}
	return fn[func(*libc.TLS, uintptr, int32) int32](u.FxSync)(tls, f, flags)
}

// syncDeferred tells whether f is a WAL whose next sync is deferred,
// and makes the ones after it again.
func syncDeferred(f uintptr) bool {
	walVFS.mu.Lock()
	defer walVFS.mu.Unlock()
	w := walVFS.files[f]
	if w == nil || w.name == "" || !walVFS.deferred[w.name] {
		return false
	}
	delete(walVFS.deferred, w.name)
	return true
}

func walLock(tls *libc.TLS, f uintptr, lock int32) int32 {
	u, rc := unixMethods(tls, f)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return fn[func(*libc.TLS, uintptr, int32) int32](u.FxLock)(tls, f, lock)
}

func walUnlock(tls *libc.TLS, f uintptr, lock int32) int32 {
	u, rc := unixMethods(tls, f)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return fn[func(*libc.TLS, uintptr, int32) int32](u.FxUnlock)(tls, f, lock)
}

func walFileSize(tls *libc.TLS, f, out uintptr) int32 {
	u, rc := unixMethods(tls, f)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return fn[func(*libc.TLS, uintptr, uintptr) int32](u.FxFileSize)(tls, f, out)
}

func walCheckReservedLock(tls *libc.TLS, f, out uintptr) int32 {
	u, rc := unixMethods(tls, f)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return fn[func(*libc.TLS, uintptr, uintptr) int32](u.FxCheckReservedLock)(tls, f, out)
}

func walFileControl(tls *libc.TLS, f uintptr, op int32, arg uintptr) int32 {
	u, rc := unixMethods(tls, f)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return fn[func(*libc.TLS, uintptr, int32, uintptr) int32](u.FxFileControl)(tls, f, op, arg)
}

func walFetch(tls *libc.TLS, f uintptr, off int64, n int32, pp uintptr) int32 {
	u, rc := unixMethods(tls, f)
	if rc != sqlite3.SQLITE_OK {
		return rc
	}
	return fn[func(*libc.TLS, uintptr, int64, int32, uintptr) int32](u.FxFetch)(tls, f, off, n, pp)
}

// cmem is a pointer to memory SQLite allocated, given as its address.
func cmem[T any](p uintptr) *T { return (*T)(unsafe.Add(nil, p)) }

func walFileOf(f uintptr) *walFile {
	walVFS.mu.Lock()
	defer walVFS.mu.Unlock()
	return walVFS.files[f]
}

// walWrite gathers a write that follows the ones gathered, and writes
// those first when it does not.
func walWrite(tls *libc.TLS, f, buf uintptr, n int32, off int64) int32 {
	w := walFileOf(f)
	if len(w.buf) > 0 && (off != w.off+int64(len(w.buf)) || len(w.buf)+int(n) > cap(w.buf)) {
		if rc := w.flush(tls, f); rc != sqlite3.SQLITE_OK {
			return rc
		}
	}
	if len(w.buf) == 0 {
		w.off = off
	}
	w.buf = append(w.buf, unsafe.Slice(cmem[byte](buf), n)...)
	return sqlite3.SQLITE_OK
}

// flush writes what a file gathered, in writes of at most
// walWriteMax bytes.
func (w *walFile) flush(tls *libc.TLS, f uintptr) int32 {
	write := fn[func(*libc.TLS, uintptr, uintptr, int32, int64) int32](cmem[sqlite3.Tsqlite3_io_methods](w.unix).FxWrite)
	rc := int32(sqlite3.SQLITE_OK)
	for i := 0; i < len(w.buf) && rc == sqlite3.SQLITE_OK; i += walWriteMax {
		n := min(len(w.buf)-i, walWriteMax)
		rc = write(tls, f, uintptr(unsafe.Pointer(&w.buf[i])), int32(n), w.off+int64(i))
	}
	runtime.KeepAlive(w.buf)
	w.buf = w.buf[:0]
	return rc
}
