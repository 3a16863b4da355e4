package reach_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/accord-peace/accord/internal/reach"
)

// An answer that comes before the request is all written (the server
// answers as it reads the body) is not cut by the wait for an answer,
// however long the body's writing and the answer's reading take after.
func TestNewClientAnswerBeforeRequestWritten(t *testing.T) {
	const timeout = 100 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.NewResponseController(w).EnableFullDuplex() // answer while reading
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "done")
	}))
	defer srv.Close()
	body, feed := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/things", body)
	req.ContentLength = -1
	resp, err := reach.Do(reach.NewClient(timeout), req, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.WriteString(feed, "{}")
	feed.Close()            // the request is written whole now, after its answer began
	time.Sleep(3 * timeout) // longer than the wait for an answer, which came
	b, err := io.ReadAll(resp.Body)
	if err != nil || string(b) != "done" {
		t.Errorf("read %q, %v; want the whole answer", b, err)
	}
}
