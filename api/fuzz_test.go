package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// The request decoders never panic, answer JSON errors with a 4xx status
// for bad input, and store nothing of a refused batch.
func FuzzRequests(f *testing.F) {
	f.Add([]byte(line), "application/x-ndjson", "zone=znpp&state=confirmed")
	f.Add([]byte(`{"author":"a","id":"1","type":"t","body":{},"sig":"AA=="}`), "application/json", "bbox=1,2,3,4")
	f.Add([]byte("{\n}\n"), "text/plain", "since=x")
	f.Add([]byte(""), "text/plain", "closed=true&limit=2&after=7")
	f.Add([]byte(""), "text/plain", "limit=0&after=-1&closed=maybe")
	store := monitor.NewMemStore()
	l, err := ledger.OpenLedger(filepath.Join(f.TempDir(), "l"), &ledger.Registry{})
	if err != nil {
		f.Fatal(err)
	}
	s := api.NewServer(newMission(f, store, l))
	s.Record = &api.Record{Ledger: l, Origin: "o"}
	h := s.Handler()
	f.Fuzz(func(t *testing.T, body []byte, ctype, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		for _, path := range []string{"/v1/observations", "/v1/submissions"} {
			before, _ := store.Len(t.Context())
			req := httptest.NewRequest("POST", path, bytes.NewReader(body))
			req.Header.Set("Content-Type", ctype)
			rec := httptest.NewRecorder()
			func() {
				defer func() {
					// A batch that decodes reaches the pipeline, which this
					// server lacks: not a decoder's failure.
					if r := recover(); r != nil && rec.Code < 400 {
						if path == "/v1/observations" {
							return
						}
						t.Fatalf("%s panicked: %v", path, r)
					}
				}()
				h.ServeHTTP(rec, req)
			}()
			if rec.Code >= 400 {
				var e api.ErrorBody
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" || e.Message == "" {
					t.Fatalf("%s: status %d with a body that is not a JSON error: %q", path, rec.Code, rec.Body.String())
				}
				if after, _ := store.Len(t.Context()); rec.Code != http.StatusInternalServerError && after != before {
					t.Fatalf("%s: a refused request stored %d observations", path, after-before)
				}
			}
		}
		req := httptest.NewRequest("GET", "/v1/proofs/inclusion?"+q.Encode(), nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 && rec.Code != 400 {
			t.Fatalf("proof request %q: status %d", query, rec.Code)
		}
		req = httptest.NewRequest("GET", "/v1/incidents?"+q.Encode(), nil)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var page struct {
			Incidents []json.RawMessage `json:"incidents"`
			Next      *string           `json:"next"`
		}
		var e api.ErrorBody
		switch {
		case rec.Code == 200 && (json.Unmarshal(rec.Body.Bytes(), &page) != nil || page.Incidents == nil || page.Next == nil):
			t.Fatalf("incidents %q: 200 without a page: %q", query, rec.Body.String())
		case rec.Code == 400 && (json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Message == ""):
			t.Fatalf("incidents %q: 400 without a JSON error: %q", query, rec.Body.String())
		case rec.Code != 200 && rec.Code != 400:
			t.Fatalf("incidents %q: status %d", query, rec.Code)
		}
	})
}

// The consultation routes' decoders: a refused body is a JSON error and
// leaves the agreement's state as it was; no input panics.
func FuzzConsultationRequests(f *testing.F) {
	f.Add([]byte(`{"party":"ru","answer":"dispute","evidence":"footage"}`), "application/json", "bucket=1h")
	f.Add([]byte(`{"guarantor":"us","outcome":"upheld"}`), "application/json", "bucket=24h")
	f.Add([]byte(`{"party":"ru","answer":"accept"} {}`), "application/json", "bucket=0s")
	f.Add([]byte(`{"guarantor":1}`), "text/plain", "x=1")
	a, _ := mustReference(f)
	at := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	var events []engine.Event
	for i, party := range a.Parties {
		events = append(events, engine.Event{Seq: i + 1, At: at, Type: engine.Sign, Party: party})
	}
	events = append(events, engine.Event{Seq: len(events) + 1, At: at.Add(time.Hour), Type: engine.ViolationEv, ID: "v1", Rule: "crossing", Party: a.Parties[1]})
	l, err := ledger.OpenLedger(filepath.Join(f.TempDir(), "l"), &ledger.Registry{})
	if err != nil {
		f.Fatal(err)
	}
	for _, ev := range events {
		b, _ := json.Marshal(ev)
		if _, err := l.Append(ledger.Entry{Kind: ledger.KindDerived, Type: accord.EntryEvent, Body: b}); err != nil {
			f.Fatal(err)
		}
	}
	m := newMission(f, monitor.NewMemStore(), l)
	s := api.NewServer(m)
	s.Record = &api.Record{Ledger: l, Origin: "o"}
	h := s.Handler()
	hash := func() string {
		st, err := m.State()
		if err != nil {
			f.Fatal(err)
		}
		return st.Hash()
	}
	f.Fuzz(func(t *testing.T, body []byte, ctype, query string) {
		for _, path := range []string{"/v1/consultations/v1/response", "/v1/consultations/v1/finding", "/v1/consultations/nope/finding"} {
			before := hash()
			req := httptest.NewRequest("POST", path, bytes.NewReader(body))
			req.Header.Set("Content-Type", ctype)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code >= 400 {
				var e api.ErrorBody
				if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Code == "" || e.Message == "" {
					t.Fatalf("%s: status %d with a body that is not a JSON error: %q", path, rec.Code, rec.Body.String())
				}
				if hash() != before {
					t.Fatalf("%s: a refused request (%d %s) changed the agreement's state", path, rec.Code, e.Message)
				}
			} else if rec.Code != 200 {
				t.Fatalf("%s: status %d", path, rec.Code)
			}
		}
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		req := httptest.NewRequest("GET", "/v1/compliance?"+q.Encode(), nil)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 && rec.Code != 400 {
			t.Fatalf("compliance %q: status %d", query, rec.Code)
		}
	})
}
