package api

import (
	"encoding/binary"
	"errors"
	"net/http"
	"strconv"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
)

// Record serves the verifiable record: checkpoints, entries and proofs
// (signed submissions come in through the server's mission: submit.go). Proofs are plain tlog proofs: a third party
// checks them with golang.org/x/mod/sumdb/tlog alone.
type Record struct {
	Ledger *ledger.Ledger
	Origin string
	Signer note.Signer // signs checkpoints
	// Witnesses are the witnesses' public keys: their cosignatures of
	// checkpoints are taken (POST /v1/checkpoint/cosignatures, cosign.go)
	// and published with the checkpoints they cosign.
	Witnesses []note.Verifier

	cosigs cosignatures
}

// Register adds the record's routes to a mux.
func (rec *Record) Register(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/checkpoint", rec.getCheckpoint)
	mux.HandleFunc("GET /v1/checkpoint/cosigned", rec.getCosigned)
	mux.HandleFunc("POST /v1/checkpoint/cosignatures", rec.postCosignature)
	mux.HandleFunc("GET /v1/ledger", rec.getLedger)
	mux.HandleFunc("GET /v1/entries/{index}", rec.getEntry)
	mux.HandleFunc("GET /v1/proofs/inclusion", rec.getInclusion)
	mux.HandleFunc("GET /v1/proofs/consistency", rec.getConsistency)
}

func (rec *Record) getCheckpoint(w http.ResponseWriter, r *http.Request) {
	t, err := rec.Ledger.Tree(rec.Ledger.Len())
	if err == nil {
		// Saved before it is signed: the ledger will not reopen short of it.
		err = rec.Ledger.Remember(t)
	}
	if err == nil {
		var cp []byte
		// With every witness's cosignature of this tree collected.
		if cp, _, err = rec.cosigned(t); err == nil {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write(cp)
			return
		}
	}
	writeError(w, http.StatusInternalServerError, err)
}

// getLedger streams the ledger's entries in its file format.
func (rec *Record) getLedger(w http.ResponseWriter, r *http.Request) {
	n := rec.Ledger.Len()
	from, to := int64(0), n
	for _, q := range []struct {
		name string
		v    *int64
	}{{"from", &from}, {"to", &to}} {
		if s := r.URL.Query().Get(q.name); s != "" {
			x, err := strconv.ParseInt(s, 10, 64)
			if err != nil || x < 0 {
				writeError(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "%s=%.40q: want an entry's index, 0 or more", q.name, s))
				return
			}
			*q.v = x
		}
	}
	if to > n || from > to {
		writeError(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, "from=%d to=%d: want 0 ≤ from ≤ to ≤ %d, the log's size", from, to, n))
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	for i := from; i < to; i++ {
		data, err := rec.Ledger.Record(i)
		if err != nil {
			return // the client sees a short ledger, which verification reports
		}
		var h [4]byte
		binary.BigEndian.PutUint32(h[:], uint32(len(data)))
		w.Write(h[:])
		w.Write(data)
	}
}

func (rec *Record) getEntry(w http.ResponseWriter, r *http.Request) {
	i, err := strconv.ParseInt(r.PathValue("index"), 10, 64)
	if err != nil || i < 0 || i >= rec.Ledger.Len() {
		writeError(w, http.StatusNotFound, accord.Errorf(accord.ENOTFOUND, "no entry %q", r.PathValue("index")))
		return
	}
	data, err := rec.Ledger.Record(i)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(data)
}

// sizes reads tree sizes or indexes from the query, each within 0..Len;
// the callers check how they relate.
func (rec *Record) sizes(r *http.Request, names ...string) ([]int64, error) {
	var out []int64
	n := rec.Ledger.Len()
	for _, name := range names {
		v, err := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
		if err != nil || v < 0 || v > n {
			return nil, accord.Errorf(accord.EINVALID, "%s: want a number from 0 to %d, got %q", name, n, r.URL.Query().Get(name))
		}
		out = append(out, v)
	}
	return out, nil
}

func (rec *Record) getInclusion(w http.ResponseWriter, r *http.Request) {
	v, err := rec.sizes(r, "index", "size")
	if err == nil && v[0] >= v[1] {
		err = accord.Errorf(accord.EINVALID, "index %d is not inside a tree of %d", v[0], v[1])
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	p, err := rec.Ledger.ProveRecord(v[1], v[0])
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"index": v[0], "size": v[1], "proof": []tlog.Hash(p)})
}

func (rec *Record) getConsistency(w http.ResponseWriter, r *http.Request) {
	v, err := rec.sizes(r, "old", "size")
	if err == nil && (v[0] == 0 || v[0] > v[1]) {
		err = accord.Errorf(accord.EINVALID, "old must be from 1 to size")
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err)
		return
	}
	p, err := rec.Ledger.ProveTree(v[1], v[0])
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"old": v[0], "size": v[1], "proof": []tlog.Hash(p)})
}

// writeError writes an error body without a server's logger.
func writeError(w http.ResponseWriter, code int, err error) {
	if err == nil {
		err = errors.New("unknown error")
	}
	body := ErrorBody{Code: accord.ErrorCode(err), Message: err.Error()}
	if body.Code == accord.EINTERNAL {
		body.Message = "internal error"
	}
	writeJSON(w, code, body)
}
