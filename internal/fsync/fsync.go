// Package fsync flushes a file to its device, as (*os.File).Sync does,
// without keeping a processor of the Go scheduler for the length of the
// flush.
//
// Go enters a system call keeping the goroutine's P (one of GOMAXPROCS):
// most calls return within microseconds. An fsync waits for the device,
// 0.3 ms on an idle disk and 1–3 ms under load on the machines measured,
// and the P comes back to the scheduler only when the runtime's monitor
// thread takes it, which it does on its second look at the call: 40 µs
// apart when it is busy, up to 10 ms when it has found nothing to do for
// a while. On a machine of two cores, a server that fsyncs for each batch
// (the SQLite WAL's, the ledger's) so ran with one core idle while work
// waited for 28 % of its time, a P held by an fsync for 95 ms of 517 (an
// execution trace of the embedded deployment's ingestion, read by
// bench/tracecores). File enters the call as one known to block (the
// runtime's entersyscallblock, which its own blocking waits use — an
// internal detail it keeps reachable by linkname for the programs that
// already call it, go.dev/issue/67401): the P is handed at once to
// another thread, which runs the waiting goroutines. The goroutine then
// waits for a free P when the call returns.
//
// On systems other than Linux, File is (*os.File).Sync.
package fsync
