package api

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/redact"
	"github.com/accord-peace/accord/ledger"
)

// Cosignature is what a witness posts to POST /v1/checkpoint/cosignatures:
// the checkpoint text it cosigned (origin, size, root hash: the body of a
// checkpoint, without signatures), its name and its note signature, in
// base64 as on a signed note's signature line (the key hash, then the
// ed25519 signature).
type Cosignature struct {
	Witness    string `json:"witness"`
	Checkpoint string `json:"checkpoint"`
	Signature  string `json:"signature"`
}

// CosignedCheckpoint answers a posted cosignature: the tree's size, every
// witness that cosigned it so far, and the checkpoint signed by the log
// and all of them.
type CosignedCheckpoint struct {
	Size       int64    `json:"size"`
	Witnesses  []string `json:"witnesses"`
	Checkpoint string   `json:"checkpoint"`
}

// cosignatures are the witnesses' latest cosignatures the record took,
// by witness: a witness's cosignature of a tree vouches for every tree
// before it, so only its latest is kept (memory bounded by the number of
// witnesses), and saved to a file when the record has one.
type cosignatures struct {
	mu     sync.Mutex
	latest map[string]cosig
	path   string
}

// cosig is one witness's cosignature of the log's tree of N entries.
type cosig struct {
	N   int64  `json:"size"`
	Sig string `json:"signature"` // base64, as on the note's signature line
}

// LoadCosignatures keeps the witnesses' cosignatures in a file (JSON, by
// witness name, rewritten atomically with each taken), reading those it
// holds: a restarted server publishes them again. A cosignature in it of
// a witness no longer configured, or that does not verify over the log's
// tree, is dropped.
func (rec *Record) LoadCosignatures(path string) error {
	rec.cosigs.mu.Lock()
	defer rec.cosigs.mu.Unlock()
	rec.cosigs.path = path
	rec.cosigs.latest = map[string]cosig{}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var saved map[string]cosig
	if err := json.Unmarshal(b, &saved); err != nil {
		return accord.Errorf(accord.EINVALID, "%s: not the witnesses' cosignatures: %v", path, err)
	}
	for name, c := range saved {
		if c.N < 0 {
			return accord.Errorf(accord.EINVALID, "%s: witness %q: size %d is no tree's: not the witnesses' cosignatures", path, name, c.N)
		}
		v := rec.witness(name)
		if v == nil || c.N > rec.Ledger.Len() {
			continue
		}
		t, err := rec.Ledger.Tree(c.N)
		if err != nil {
			return err
		}
		msg := string(ledger.CheckpointText(rec.Origin, t)) + "\n— " + name + " " + c.Sig + "\n"
		if _, err := note.Open([]byte(msg), note.VerifierList(v)); err == nil {
			rec.cosigs.latest[name] = c
		}
	}
	return nil
}

// WitnessVerifiers reads witnesses' public note keys (NAME+HASH+KEY, or
// NAME=NAME+HASH+KEY, the name then checked against the key's).
func WitnessVerifiers(keys []string) ([]note.Verifier, error) {
	var out []note.Verifier
	seen := map[string]bool{}
	for _, k := range keys {
		k = strings.TrimSpace(k)
		name, key, ok := strings.Cut(k, "=")
		if !ok {
			name, key = "", k
		}
		if redact.IsPrivateKey(key) { // the witness's signing secret: never echoed
			return nil, fmt.Errorf("witness key %s: a private key, which the witness keeps; give its public key, NAME+HASH+KEY (the second line of the file 'accord ledger keygen NAME' wrote)", redact.Value(key))
		}
		v, err := note.NewVerifier(key)
		if err != nil {
			return nil, fmt.Errorf("witness key %q: not a public note key (NAME+HASH+KEY, from 'accord ledger keygen NAME'): %v", k, err)
		}
		if name != "" && name != v.Name() {
			return nil, fmt.Errorf("witness key %q: named %q, but the key is %q's", k, name, v.Name())
		}
		if seen[v.Name()] {
			return nil, fmt.Errorf("witness %q: two keys", v.Name())
		}
		seen[v.Name()] = true
		out = append(out, v)
	}
	return out, nil
}

func (rec *Record) witness(name string) note.Verifier {
	for _, v := range rec.Witnesses {
		if v.Name() == name {
			return v
		}
	}
	return nil
}

// postCosignature takes a witness's cosignature of a checkpoint of this
// log: a known witness, a signature that verifies with its key over the
// checkpoint's text, and a checkpoint of this log's tree at its size.
func (rec *Record) postCosignature(w http.ResponseWriter, r *http.Request) {
	var c Cosignature
	if _, err := decodeBody(w, r, 64<<10, &c); err != nil {
		if !isTooLarge(err) {
			err = accord.Errorf(accord.EINVALID, `want {"witness": NAME, "checkpoint": TEXT, "signature": BASE64}: %v`, err)
		}
		writeError(w, status(err), err)
		return
	}
	code, err := rec.addCosignature(c)
	if err != nil {
		writeError(w, code, err)
		return
	}
	_, t, _ := ledger.ParseCheckpoint(c.Checkpoint)
	out, names, err := rec.cosigned(t)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	writeJSON(w, http.StatusOK, CosignedCheckpoint{Size: t.N, Witnesses: names, Checkpoint: string(out)})
}

func (rec *Record) addCosignature(c Cosignature) (int, error) {
	bad := func(f string, a ...any) (int, error) {
		return http.StatusBadRequest, accord.Errorf(accord.EINVALID, f, a...)
	}
	if c.Witness == "" || c.Checkpoint == "" || c.Signature == "" {
		return bad("witness, checkpoint and signature are required")
	}
	v := rec.witness(c.Witness)
	if v == nil {
		return http.StatusForbidden, accord.Errorf(accord.EFORBIDDEN, "witness %q is not one this server is configured with (serve --witness-key): its cosignature is refused", c.Witness)
	}
	origin, t, err := ledger.ParseCheckpoint(c.Checkpoint)
	if err != nil {
		return bad("checkpoint: %v", err)
	}
	if origin != rec.Origin {
		return bad("checkpoint of log %q, not %q", origin, rec.Origin)
	}
	// The signature is published under the text the log writes: one over
	// another spelling of the same tree would not verify there.
	if want := string(ledger.CheckpointText(origin, t)); c.Checkpoint != want {
		return bad("checkpoint %q: not the text of the tree of %d entries as the log writes it, %q (the size in decimal without sign or leading zero, the root in canonical base64): the signature would not verify over the checkpoint published", c.Checkpoint, t.N, want)
	}
	if n := rec.Ledger.Len(); t.N > n {
		return bad("checkpoint of %d entries: the log has %d", t.N, n)
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || len(sig) < 5 {
		return bad("signature: not the base64 of a note signature (the key hash, then the signature)")
	}
	msg := c.Checkpoint + "\n— " + c.Witness + " " + c.Signature + "\n"
	n, err := note.Open([]byte(msg), note.VerifierList(v))
	if err != nil {
		return bad("the signature of witness %q does not verify over the checkpoint of %d entries with its key: %v", c.Witness, t.N, err)
	}
	mine, err := rec.Ledger.Tree(t.N)
	if err != nil {
		return http.StatusInternalServerError, err
	}
	if mine != t {
		return http.StatusConflict, accord.Errorf(accord.EINVALID, "witness %q cosigned a tree of %d entries with root %s, but this log's tree of %d entries has root %s: not a checkpoint of this log", c.Witness, t.N, t.Hash, t.N, mine.Hash)
	}
	rec.cosigs.mu.Lock()
	defer rec.cosigs.mu.Unlock()
	if rec.cosigs.latest == nil {
		rec.cosigs.latest = map[string]cosig{}
	}
	if old, ok := rec.cosigs.latest[c.Witness]; ok && old.N > t.N {
		return http.StatusOK, nil // it vouched for a larger tree already
	}
	rec.cosigs.latest[c.Witness] = cosig{N: t.N, Sig: n.Sigs[0].Base64}
	if rec.cosigs.path != "" {
		b, _ := json.MarshalIndent(rec.cosigs.latest, "", "  ")
		if err := ledger.WriteFileAtomic(rec.cosigs.path, append(b, '\n')); err != nil {
			return http.StatusInternalServerError, fmt.Errorf("saving the cosignatures: %w", err)
		}
	}
	return http.StatusOK, nil
}

// cosigned is the checkpoint of a tree of the log signed by the log and
// every witness that cosigned it.
func (rec *Record) cosigned(t tlog.Tree) ([]byte, []string, error) {
	var names []string
	sigs := map[string]string{}
	rec.cosigs.mu.Lock()
	for name, c := range rec.cosigs.latest {
		if c.N == t.N {
			names = append(names, name)
			sigs[name] = c.Sig
		}
	}
	rec.cosigs.mu.Unlock()
	slices.Sort(names)
	// The log's signature first, then the witnesses' in name order.
	cp, err := ledger.SignCheckpoint(rec.Origin, t, rec.Signer)
	if err != nil || len(sigs) == 0 {
		return cp, names, err
	}
	var b strings.Builder
	b.Write(cp)
	for _, name := range names {
		fmt.Fprintf(&b, "— %s %s\n", name, sigs[name])
	}
	return []byte(b.String()), names, nil
}

// getCosigned serves the largest checkpoint a witness cosigned, with the
// cosignatures of every witness whose latest is of it: while the log grows, GET /v1/checkpoint is of its
// newest tree, which no witness may have seen yet.
func (rec *Record) getCosigned(w http.ResponseWriter, r *http.Request) {
	var n int64
	rec.cosigs.mu.Lock()
	for _, c := range rec.cosigs.latest {
		n = max(n, c.N)
	}
	rec.cosigs.mu.Unlock()
	if n == 0 {
		writeError(w, http.StatusNotFound, accord.Errorf(accord.ENOTFOUND, "no checkpoint cosigned yet (%d witnesses configured)", len(rec.Witnesses)))
		return
	}
	t, err := rec.Ledger.Tree(n)
	var cp []byte
	if err == nil {
		cp, _, err = rec.cosigned(t)
	}
	if err != nil {
		writeError(w, http.StatusInternalServerError, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(cp)
}
