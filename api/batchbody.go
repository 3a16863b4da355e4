package api

import (
	"bytes"
	"io"
	"net/http"
)

// readBatch reads a request's body of at most max bytes (beyond it, the
// error is an *http.MaxBytesError). A body that declares its length is read
// into memory taken once for it, not grown as it comes: a batch of
// observations is megabytes.
func readBatch(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	body := http.MaxBytesReader(w, r.Body, max)
	if n := r.ContentLength; n > 0 && n <= max {
		var buf bytes.Buffer
		buf.Grow(int(n) + bytes.MinRead) // ReadFrom asks for MinRead free bytes before it sees the end
		_, err := buf.ReadFrom(body)
		return buf.Bytes(), err
	}
	return io.ReadAll(body)
}
