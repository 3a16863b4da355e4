// Package witness is a party's own node on the record: it follows a
// server's log, verifies every entry and every checkpoint, replays the
// agreement engine over the entries as `accord verify` does
// (mission.Replay), and cosigns only checkpoints consistent with every
// checkpoint it cosigned before, posting its cosignature back to the
// server (POST /v1/checkpoint/cosignatures).
//
// Its state — the last checkpoint it cosigned and a copy of the entries it
// covers — is kept in a directory, written before the cosignature leaves
// the process, so that a restart cannot be led to sign a fork.
package witness

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/internal/flock"
	"github.com/accord-peace/accord/internal/fsync"
	"github.com/accord-peace/accord/internal/reach"
	"github.com/accord-peace/accord/internal/redact"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mission"
)

// Config is what a witness needs: the server, the keys it trusts, its own
// key and directory, and the agreements whose engine it replays.
type Config struct {
	Server string        // base URL of the server
	Origin string        // the log's origin line
	Log    note.Verifier // the log's public key
	Signer note.Signer   // the witness's own key
	Dir    string        // where its state is kept

	// Registry holds the authors' keys: every submission's signature is
	// checked with them (ledger.Verify).
	Registry *ledger.Registry
	// Agreements are replayed by the engine (the main one first); Signed
	// says they register their authors' keys (mission.NewHistory).
	Agreements []*agreement.Agreement
	Signed     bool
	// Open opens sealed entries (nil: none is opened, and the replay
	// stops at the first, partial, as in accord verify).
	Open func(accord.Seal) (*accord.Sealed, error)

	Client *http.Client // reach.NewClient(reach.DefaultTimeout) when nil
}

// ErrFetch marks an error of Config.Open that is a failure to fetch
// sealed content from the server (not reached, an answer other than the
// content, a timeout): the round fails, as when any other answer fails,
// and is retried; it is no refusal, which is for content that does not
// match its seal.
var ErrFetch = errors.New("fetching sealed content")

// Event is one thing a witness did or refused, for progress lines and
// scripts (accord witness --json prints one a line).
type Event struct {
	Event string `json:"event"` // verified, cosigned, up_to_date, refused
	Size  int64  `json:"size"`  // the checkpoint's tree size
	Root  string `json:"root,omitempty"`
	// Entries is how many new entries were verified (verified).
	Entries int64 `json:"entries,omitempty"`
	// States are the agreements' state hashes after the replay; Partial
	// names the first sealed entry that could not be opened.
	States  map[string]string `json:"states,omitempty"`
	Partial *int64            `json:"partial_at,omitempty"`
	// Witnesses are those whose cosignatures the server now publishes
	// (cosigned).
	Witnesses []string `json:"witnesses,omitempty"`
	// Refusal says why a checkpoint was refused (refused).
	Refusal *Refusal `json:"refusal,omitempty"`
}

// Refusal is why a witness would not cosign a checkpoint.
type Refusal struct {
	Reason string `json:"reason"`
	// Index is the entry concerned (-1 when none). For a fork, Cosigned is
	// the record hash the witness cosigned at that entry, the first its
	// copy holds that the served tree does not (the entries before it
	// proved held), and Served what the server now serves there: a record
	// hash, "none…" when it serves no entry there, "not read (…)" when it
	// failed to answer.
	Index    int64  `json:"index"`
	Cosigned string `json:"cosigned_hash,omitempty"`
	Served   string `json:"served_hash,omitempty"`
}

func (r *Refusal) Error() string { return "refused: " + r.Reason }

// Unreachable is a request the server did not answer: the connection
// refused or cut, its host not found, no answer within the client's
// timeout. Nothing was verified nor refused; a later round may reach it.
// An answer, even an error status, is not one (package reach tells them
// apart for every client of accord's).
type Unreachable = reach.Unreachable

// NoAnswer is the witness's cosignature sent with no answer: the server
// may have taken it (reach.NoAnswer).
type NoAnswer = reach.NoAnswer

// do sends req, an Unreachable or NoAnswer error when no answer came (a
// cancelled context is left as it is: the caller stopped, not the server).
func (w *Witness) do(req *http.Request) (*http.Response, error) {
	return reach.Do(w.cfg.Client, req, w.server)
}

// Witness follows one log.
type Witness struct {
	cfg    Config
	server string          // cfg.Server as messages name it: without its password
	gate   *ledger.Witness // signs only what extends the last tree cosigned
	last   tlog.Tree       // the last tree cosigned
	data   []byte          // the entries it covers, in the ledger's file format
	hashes []tlog.Hash
	// ver and replay have read the entries of last, so that a round
	// checks and replays only what it adds; nil: made again from data
	// (after a refusal, which may have left them past last).
	ver    *ledger.Verifier
	replay *mission.Replayer
	lock   *os.File // lockFile, held while the witness is open
}

const (
	stateFile  = "cosigned.checkpoint" // the last checkpoint cosigned: the log's signature and the witness's
	ledgerFile = "ledger"              // the entries it covers
	lockFile   = "witness.lock"        // held by the witness that has the directory open
	freshFile  = "uncosigned"          // present while the witness has cosigned nothing
)

// StateFiles are the files of a witness's state directory that a
// server's data directory never holds: a server started there would take
// the witness's copy of the record (ledger, a name both keep) for its own.
var StateFiles = []string{stateFile, lockFile}

// serverFiles are files of a server's data directory (accord serve
// --data) that a witness's never holds.
var serverFiles = []string{"accord.lock", "log.key"}

// lockDir takes the witness's directory, or says that another witness
// holds it: two on one directory would each write the other's state, and
// the one whose state was overwritten would cosign what the other's
// history forks.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking the witness's directory %s: %w", dir, err)
	}
	held, err := flock.TryLock(f)
	if err != nil || !held {
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("locking the witness's directory %s: %w", dir, err)
		}
		who := "another witness"
		if b, _ := os.ReadFile(path); len(strings.TrimSpace(string(b))) > 0 {
			who += " (pid " + strings.TrimSpace(string(b)) + ")"
		}
		return nil, accord.Errorf(accord.EINVALID, "the witness's directory %s is in use by %s: one directory holds one witness's state; stop it, or give this one another directory", dir, who)
	}
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return f, nil
}

// Close lets the witness's directory go: another witness may open it.
func (w *Witness) Close() error {
	if w.lock == nil {
		return nil
	}
	err := w.lock.Close()
	w.lock = nil
	return err
}

// CheckServer checks a server's base URL as a witness is given it:
// http or https, a host, and no query or fragment (the witness appends
// the API's paths, /v1/checkpoint and the others, to it). A URL that
// could never answer is refused at once, rather than retried for ever.
func CheckServer(raw string) error {
	u, err := url.Parse(raw)
	bad := func(why string) error {
		return accord.Errorf(accord.EINVALID, "server %q: %s; want the base URL of an accord server, http(s)://HOST[:PORT][/PREFIX] (the one its clients use, without /v1)", redact.URL(raw), why)
	}
	switch {
	case raw == "":
		return bad("empty")
	case err != nil:
		return bad("not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return bad("not http or https")
	case u.Host == "":
		return bad("no host")
	case u.RawQuery != "" || u.Fragment != "":
		return bad("a query or a fragment")
	case strings.HasSuffix(strings.TrimSuffix(u.Path, "/"), "/v1"):
		return bad("it ends with /v1, which the witness adds")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return bad(fmt.Sprintf("port %s is not one of 1..65535", p))
		}
	}
	return nil
}

// Server is the server's base URL as messages name it: without its
// password.
func (w *Witness) Server() string { return w.server }

// Open loads a witness's state from its directory (none: a new witness,
// which cosigns the first checkpoint it verifies; a copy of the entries
// without it is refused: the state is lost). The copy of the entries must
// verify and match the last checkpoint cosigned, or the witness does not
// start.
func Open(cfg Config) (*Witness, error) {
	if cfg.Client == nil {
		cfg.Client = reach.NewClient(reach.DefaultTimeout)
	}
	cfg.Server = strings.TrimSuffix(cfg.Server, "/")
	if err := CheckServer(cfg.Server); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Dir, 0o700); err != nil {
		return nil, err
	}
	// A server's data directory holds a ledger too: the record itself,
	// which the witness would take for its copy.
	for _, f := range serverFiles {
		if _, err := os.Stat(filepath.Join(cfg.Dir, f)); err == nil {
			return nil, accord.Errorf(accord.EINVALID, "%s is a server's data directory (it holds %s): its ledger is the server's record, not a witness's copy; give the witness a directory of its own", cfg.Dir, f)
		}
	}
	lock, err := lockDir(cfg.Dir)
	if err != nil {
		return nil, err
	}
	w, err := open(cfg)
	if err != nil {
		lock.Close()
		return nil, err
	}
	w.lock = lock
	return w, nil
}

// open is Open once the directory is locked.
func open(cfg Config) (*Witness, error) {
	w := &Witness{cfg: cfg, server: redact.URL(cfg.Server), gate: ledger.NewWitness(cfg.Origin, cfg.Log, cfg.Signer, tlog.Tree{})}
	msg, err := os.ReadFile(filepath.Join(cfg.Dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		// No state: a new witness, unless the directory holds a copy of
		// the record — then what it cosigned is lost, and starting afresh
		// would trust the next checkpoint, a fork of it, and wipe the copy.
		// A copy beside freshFile is one a first round wrote and never
		// saved a checkpoint for (cut, or its save failed): nothing was
		// cosigned nor sent, and the witness starts afresh.
		copyPath := filepath.Join(cfg.Dir, ledgerFile)
		_, ferr := os.Stat(filepath.Join(cfg.Dir, freshFile))
		if fi, err := os.Stat(copyPath); err == nil && fi.Size() > 0 && ferr != nil {
			return nil, fmt.Errorf("%s: no such file, but %s holds %d bytes of the record: this witness cosigned, or began to, and cannot tell what; restore %s (the last checkpoint it cosigned), or, if its first round was cut before it saved, remove %s to start afresh", filepath.Join(cfg.Dir, stateFile), copyPath, fi.Size(), stateFile, copyPath)
		}
		if err := os.WriteFile(copyPath, nil, 0o600); err != nil {
			return nil, err
		}
		if ferr != nil {
			if err := os.WriteFile(filepath.Join(cfg.Dir, freshFile), nil, 0o600); err != nil {
				return nil, err
			}
			// Durable before a first round writes the copy.
			if err := syncDir(cfg.Dir); err != nil {
				return nil, err
			}
		}
		return w, nil
	}
	if err != nil {
		return nil, err
	}
	os.Remove(filepath.Join(cfg.Dir, freshFile)) // a start cut after the first state was saved
	t, _, err := ledger.OpenCheckpoint(msg, cfg.Origin, cfg.Log)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(cfg.Dir, stateFile), err)
	}
	data, err := os.ReadFile(filepath.Join(cfg.Dir, ledgerFile))
	if err != nil {
		return nil, err
	}
	// Entries past the last checkpoint cosigned (written, then the state
	// not) are dropped: they are fetched and verified again.
	frames, _, err := splitFrames(data, t.N)
	if err != nil || int64(len(frames)) < t.N {
		return nil, fmt.Errorf("%s: the copy of the record holds fewer than the %d entries this witness cosigned (%v): restore it, or start the witness afresh in another directory", filepath.Join(cfg.Dir, ledgerFile), t.N, err)
	}
	end := 0
	for _, f := range frames {
		end += 4 + len(f)
	}
	data = data[:end]
	ver := ledger.NewVerifier(cfg.Registry)
	if rep := ver.Extend(data, &t); !rep.OK() {
		return nil, fmt.Errorf("%s: the copy of the record does not verify against the checkpoint cosigned: %v", filepath.Join(cfg.Dir, ledgerFile), rep.Problems[0])
	}
	w.ver = ver
	if err := os.Truncate(filepath.Join(cfg.Dir, ledgerFile), int64(end)); err != nil {
		return nil, err
	}
	w.last, w.data = t, data
	w.gate = ledger.NewWitness(cfg.Origin, cfg.Log, cfg.Signer, t)
	for _, f := range frames {
		w.hashes = append(w.hashes, tlog.RecordHash(f))
	}
	return w, nil
}

// Last is the last tree the witness cosigned.
func (w *Witness) Last() tlog.Tree { return w.last }

// Checkpoint is the last checkpoint the witness cosigned, signed by the log
// and by the witness (what 'accord verify --checkpoint' takes), read from
// its directory; nil when it cosigned none.
func (w *Witness) Checkpoint() ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(w.cfg.Dir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// Round fetches the server's checkpoint and, when it is new, verifies it
// and the entries up to it, replays the engine and cosigns it. It reports
// what it did through report. A *Refusal error is a checkpoint refused;
// an *Unreachable one a server that did not answer; a *NoAnswer its
// cosignature sent with no answer back; any other error a
// failure to read the server's answer or to keep the state.
func (w *Witness) Round(ctx context.Context, report func(Event)) error {
	msg, err := w.getLimit(ctx, "/v1/checkpoint", maxCheckpoint+1)
	if err != nil {
		return err
	}
	if len(msg) > maxCheckpoint {
		return w.refuse(report, 0, &Refusal{Index: -1, Reason: fmt.Sprintf("the checkpoint is larger than %d KiB, not read further: a checkpoint is three lines and its signatures", maxCheckpoint>>10)})
	}
	n, err := note.Open(msg, note.VerifierList(w.cfg.Log))
	if err != nil {
		return w.refuse(report, 0, &Refusal{Index: -1, Reason: fmt.Sprintf("the checkpoint is not signed by the log's key %s: %v", w.cfg.Log.Name(), err)})
	}
	origin, t, err := ledger.ParseCheckpoint(n.Text)
	if err != nil {
		return w.refuse(report, 0, &Refusal{Index: -1, Reason: "not a checkpoint: " + err.Error()})
	}
	// One text per tree: what the witness signs is the checkpoint the
	// server publishes, and its cosignature of another spelling would not
	// verify there.
	if want := string(ledger.CheckpointText(origin, t)); n.Text != want {
		return w.refuse(report, t.N, &Refusal{Index: -1, Reason: fmt.Sprintf("not a checkpoint: %q is not the text of the tree of %d entries as a log writes it, %q (the size in decimal without sign or leading zero, the root in canonical base64)", n.Text, t.N, want)})
	}
	if origin != w.cfg.Origin {
		return w.refuse(report, t.N, &Refusal{Index: -1, Reason: fmt.Sprintf("a checkpoint of log %q, not %q", origin, w.cfg.Origin)})
	}
	switch {
	case t.N == 0 && w.last.N == 0:
		report(Event{Event: "up_to_date", Size: 0})
		return nil
	case t.N < w.last.N:
		return w.refuse(report, t.N, &Refusal{Index: t.N, Reason: fmt.Sprintf("the checkpoint has %d entries, fewer than the %d this witness cosigned (root %s): the log shrank, history rolled back", t.N, w.last.N, w.last.Hash)})
	case t.N == w.last.N && t.Hash != w.last.Hash:
		return w.refuse(report, t.N, w.fork(ctx, t, "another root at the same size"))
	case t.N == w.last.N:
		// Cosigned already; post it again when the server lost it.
		mine := false
		for _, s := range n.UnverifiedSigs {
			mine = mine || s.Name == w.cfg.Signer.Name()
		}
		report(Event{Event: "up_to_date", Size: t.N, Root: t.Hash.String()})
		if mine || t.N == 0 {
			return nil
		}
		cosigned, err := w.gate.Cosign(msg, nil)
		if err != nil {
			return w.refuse(report, t.N, &Refusal{Index: -1, Reason: err.Error()})
		}
		return w.post(ctx, report, cosigned, n.Text, t)
	}
	var proof tlog.TreeProof
	if w.last.N > 0 {
		if proof, err = w.consistency(ctx, t.N); err != nil {
			return err
		}
		if err := tlog.CheckTree(proof, t.N, t.Hash, w.last.N, w.last.Hash); err != nil {
			return w.refuse(report, t.N, w.fork(ctx, t, "the consistency proof from the tree it cosigned does not verify: "+err.Error()))
		}
	}
	// The new entries, each verified with all before it: the verifier
	// and the replay go on from the entries cosigned, so that a round
	// costs what it adds.
	ver, err := w.verifier()
	if err != nil {
		return err
	}
	// From here the verifier and the replay may go past what is cosigned:
	// unless the round saves what they read, they are made again.
	saved := false
	defer func() {
		if !saved {
			w.ver, w.replay = nil, nil
		}
	}()
	// checked says whether the verifier's report is clean, else refuses
	// the checkpoint at its first problem.
	var fresh []byte
	checked := func(rep *ledger.Report) error {
		if rep.OK() {
			return nil
		}
		p := rep.Problems[0]
		if p.Offset >= 0 {
			p.Offset += int64(len(w.data) + len(fresh)) // in the copy with the new entries
		}
		r := &Refusal{Index: p.Entry, Reason: fmt.Sprintf("the entries do not verify against the checkpoint of %d entries (%d problem(s)); first: %s", t.N, len(rep.Problems), p)}
		return w.refuse(report, t.N, r)
	}
	// replayFailed ends the round when the engine's replay fails: sealed
	// content not fetched fails it (nothing is known of the record), any
	// other error refuses the checkpoint, naming the entry.
	replayFailed := func(err error) error {
		if errors.Is(err, ErrFetch) {
			return fmt.Errorf("the agreement engine's replay: %w", err)
		}
		r := &Refusal{Index: -1, Reason: "the agreement engine's replay fails: " + err.Error()}
		var ee *mission.EntryError
		if errors.As(err, &ee) {
			r.Index = ee.Entry
		}
		return w.refuse(report, t.N, r)
	}
	// The engine's replay, as accord verify does it.
	replay, h, err := w.replayer()
	if err != nil {
		return replayFailed(err)
	}
	// Each range is checked and replayed as it comes, the last checked
	// with the tree of them all against the checkpoint: a server cannot
	// have the witness read what it refuses for as long as it claims
	// entries.
	var rep *ledger.Report
	var sts []*engine.State
	recs, err := w.entries(ctx, w.last.N, t.N, func(rs [][]byte) error {
		var b []byte
		for _, rec := range rs {
			b = binary.BigEndian.AppendUint32(b, uint32(len(rec)))
			b = append(b, rec...)
		}
		var cp *tlog.Tree
		if ver.Len()+int64(len(rs)) == t.N {
			cp = &t
		}
		rep = ver.Extend(b, cp)
		if err := checked(rep); err != nil {
			return err
		}
		fresh = append(fresh, b...)
		var err error
		if sts, err = replay.Extend(b, ver.Len()); err != nil {
			return replayFailed(err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if rep.Entries != t.N {
		return w.refuse(report, t.N, &Refusal{Index: rep.Entries, Reason: fmt.Sprintf("the server served %d entries for a checkpoint of %d", rep.Entries, t.N)})
	}
	ev := Event{Event: "verified", Size: t.N, Root: t.Hash.String(), Entries: t.N - w.last.N}
	if h.Partial() {
		i := h.UnopenedEntry
		ev.Partial = &i
	} else {
		ev.States = map[string]string{}
		for _, st := range sts {
			ev.States[st.Agreement] = st.Hash()
		}
	}
	report(ev)
	// The gate checks the log's signature and the consistency proof again
	// and signs; the entries, then the checkpoint cosigned, are durable
	// before the cosignature leaves.
	cosigned, err := w.gate.Cosign(msg, proof)
	if err != nil {
		return w.refuse(report, t.N, &Refusal{Index: -1, Reason: err.Error()})
	}
	if err := w.save(cosigned, t, fresh, recs); err != nil {
		// Nothing was saved nor sent: the gate goes back to the tree
		// cosigned, or it would refuse this checkpoint as a fork of itself.
		w.gate = ledger.NewWitness(w.cfg.Origin, w.cfg.Log, w.cfg.Signer, w.last)
		return err
	}
	saved = true
	return w.post(ctx, report, cosigned, n.Text, t)
}

// verifier is the verifier of the entries cosigned: kept from the last
// round, or made again from the copy.
func (w *Witness) verifier() (*ledger.Verifier, error) {
	if w.ver != nil && w.ver.Len() == w.last.N {
		return w.ver, nil
	}
	ver := ledger.NewVerifier(w.cfg.Registry)
	var cp *tlog.Tree
	if w.last.N > 0 {
		cp = &w.last // none cosigned yet: nothing to compare with
	}
	if rep := ver.Extend(w.data, cp); !rep.OK() {
		return nil, fmt.Errorf("the copy of the record no longer verifies against the checkpoint cosigned: %v", rep.Problems[0])
	}
	w.ver = ver
	return ver, nil
}

// replayer is the replay of the entries cosigned, as accord verify makes
// it (mission.Replay): kept from the last round, or made again from the
// copy.
func (w *Witness) replayer() (*mission.Replayer, *mission.History, error) {
	if w.replay != nil && w.replay.Len() == w.last.N {
		return w.replay, w.replay.History(), nil
	}
	h := mission.NewHistory(w.cfg.Signed)
	h.Registry = w.cfg.Registry
	h.Open = w.cfg.Open
	r, err := mission.NewReplayer(w.cfg.Agreements, h)
	if err == nil {
		_, err = r.Extend(w.data, w.last.N)
	}
	if err != nil {
		return nil, nil, err
	}
	w.replay = r
	return r, h, nil
}

// save writes the new entries (fresh, framed) and the checkpoint
// cosigned, in that order: a witness restarted between the two drops the
// entries past its state. The entries go right after those cosigned,
// over what a save that failed left there (a partial write).
func (w *Witness) save(cosigned []byte, t tlog.Tree, fresh []byte, recs [][]byte) error {
	f, err := os.OpenFile(filepath.Join(w.cfg.Dir, ledgerFile), os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	err = f.Truncate(int64(len(w.data)))
	if err == nil {
		_, err = f.WriteAt(fresh, int64(len(w.data)))
	}
	if err == nil {
		err = fsync.File(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("saving the entries: %w", err)
	}
	if err := ledger.WriteFileAtomic(filepath.Join(w.cfg.Dir, stateFile), cosigned); err != nil {
		return fmt.Errorf("saving the checkpoint cosigned: %w", err)
	}
	if w.last.N == 0 {
		os.Remove(filepath.Join(w.cfg.Dir, freshFile)) // a checkpoint cosigned: the copy is its
	}
	w.last, w.data = t, append(w.data, fresh...)
	for _, r := range recs {
		w.hashes = append(w.hashes, tlog.RecordHash(r))
	}
	return nil
}

// post sends the witness's cosignature of a checkpoint (the last
// signature of cosigned, the gate's output) to the server.
func (w *Witness) post(ctx context.Context, report func(Event), cosigned []byte, text string, t tlog.Tree) error {
	sig, err := lastSignature(cosigned)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"witness": w.cfg.Signer.Name(), "checkpoint": text, "signature": sig})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.cfg.Server+"/v1/checkpoint/cosignatures", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s refused the cosignature of the checkpoint of %d entries: %w", w.server, t.N,
			&statusError{method: http.MethodPost, path: "/v1/checkpoint/cosignatures", status: resp.Status, code: resp.StatusCode, detail: strings.TrimSpace(string(b))})
	}
	var out struct {
		Witnesses []string `json:"witnesses"`
	}
	json.Unmarshal(b, &out)
	report(Event{Event: "cosigned", Size: t.N, Root: t.Hash.String(), Witnesses: out.Witnesses})
	return nil
}

// syncDir makes the names in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return fsync.File(d)
}

// lastSignature is the base64 of a signed note's last signature line.
func lastSignature(msg []byte) (string, error) {
	lines := strings.Split(strings.TrimSuffix(string(msg), "\n"), "\n")
	f := strings.Fields(lines[len(lines)-1])
	if len(f) != 3 || f[0] != "—" {
		return "", fmt.Errorf("no signature line in the note signed")
	}
	return f[2], nil
}

// fork locates where the server's tree leaves the history the witness
// cosigned: the first entry of its copy that the served tree t does not
// hold. It bisects on consistency proofs from prefixes of the copy to t,
// each checked against the witness's own hashes, in about log2(n)
// requests instead of one an entry: the entries before the place found
// are proved held; a proof that does not verify is the server's word that
// t does not hold a prefix. Then it reads what the server serves there.
func (w *Witness) fork(ctx context.Context, t tlog.Tree, why string) *Refusal {
	r := &Refusal{Index: -1, Reason: fmt.Sprintf("the checkpoint of %d entries (root %s) does not extend the one of %d entries this witness cosigned (root %s): %s", t.N, t.Hash, w.last.N, w.last.Hash, why)}
	prefix, err := prefixHashes(w.hashes)
	if err != nil {
		r.Reason += "; where it forks is not located: " + err.Error()
		return r
	}
	// t holds the first lo entries of the copy (proved), not the first hi.
	lo, hi := int64(0), min(int64(len(w.hashes)), t.N)+1
	for hi-lo > 1 {
		m := lo + (hi-lo)/2
		held, err := w.holds(ctx, t, m, prefix)
		if err != nil {
			r.Reason += fmt.Sprintf("; where it forks is not located: %v", err)
			if lo > 0 {
				r.Reason += fmt.Sprintf(" (the served tree holds the first %d entries cosigned, proved)", lo)
			}
			return r
		}
		if held {
			lo = m
		} else {
			hi = m
		}
	}
	if lo == int64(len(w.hashes)) {
		r.Reason += fmt.Sprintf("; the served tree of %d entries holds every entry cosigned (proved), yet the server's proof did not say so", t.N)
		return r
	}
	i, h := lo, w.hashes[lo]
	r.Index, r.Cosigned = i, h.String()
	if i >= t.N {
		r.Served = "none"
		r.Reason += fmt.Sprintf("; a fork at entry %d: the witness cosigned its record hash %s, the served tree of %d entries ends before it (the %d before it are held unchanged, proved)", i, h, t.N, i)
		return r
	}
	rec, err := w.get(ctx, "/v1/entries/"+strconv.FormatInt(i, 10))
	var se *statusError
	switch {
	case errors.As(err, &se) && se.code == http.StatusNotFound:
		r.Served = "none (" + err.Error() + ")"
	case err != nil:
		r.Served = "not read (" + err.Error() + ")"
	case tlog.RecordHash(rec) == h:
		r.Served = h.String()
		r.Reason += fmt.Sprintf("; a fork at entry %d: the server serves the record the witness cosigned there (hash %s) but its proof that the served tree holds it does not verify (the %d before it are held unchanged, proved)", i, h, i)
		return r
	default:
		r.Served = tlog.RecordHash(rec).String()
	}
	r.Reason += fmt.Sprintf("; a fork at entry %d: the witness cosigned its record hash %s, the server's tree does not hold it (the %d before it are held unchanged, proved) and it serves %s there", i, h, i, r.Served)
	return r
}

// holds says whether the tree t holds the first m entries of the copy:
// whether the server's proof that t extends the tree of those m, whose
// root the witness computes itself, verifies.
func (w *Witness) holds(ctx context.Context, t tlog.Tree, m int64, prefix tlog.HashReader) (bool, error) {
	root, err := tlog.TreeHash(m, prefix)
	if err != nil {
		return false, err
	}
	if m == t.N {
		return root == t.Hash, nil
	}
	b, err := w.get(ctx, fmt.Sprintf("/v1/proofs/consistency?old=%d&size=%d", m, t.N))
	if err != nil {
		return false, err
	}
	var p struct {
		Proof []tlog.Hash `json:"proof"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return false, fmt.Errorf("GET /v1/proofs/consistency?old=%d&size=%d: not a consistency proof: %v", m, t.N, err)
	}
	return tlog.CheckTree(p.Proof, t.N, t.Hash, m, root) == nil, nil
}

// prefixHashes reads the stored hashes (tlog) of a tree of records
// given by their record hashes, from which the root of any prefix is
// computed.
func prefixHashes(records []tlog.Hash) (tlog.HashReader, error) {
	var stored []tlog.Hash
	r := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x < 0 || x >= int64(len(stored)) {
				return nil, fmt.Errorf("hash %d not stored", x)
			}
			out[i] = stored[x]
		}
		return out, nil
	})
	for i, h := range records {
		hs, err := tlog.StoredHashesForRecordHash(int64(i), h, r)
		if err != nil {
			return nil, err
		}
		stored = append(stored, hs...)
	}
	return r, nil
}

func (w *Witness) refuse(report func(Event), size int64, r *Refusal) error {
	report(Event{Event: "refused", Size: size, Refusal: r})
	return r
}

// consistency fetches a proof that the tree of n entries extends the one
// cosigned.
func (w *Witness) consistency(ctx context.Context, n int64) (tlog.TreeProof, error) {
	b, err := w.get(ctx, fmt.Sprintf("/v1/proofs/consistency?old=%d&size=%d", w.last.N, n))
	if err != nil {
		return nil, err
	}
	var p struct {
		Proof []tlog.Hash `json:"proof"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("%s: a consistency proof that is not one: %v", w.server, err)
	}
	return p.Proof, nil
}

// get reads one resource of the server.
func (w *Witness) get(ctx context.Context, path string) ([]byte, error) {
	return w.getLimit(ctx, path, ledger.MaxEntry+1)
}

// getLimit is get reading at most limit bytes of the answer.
func (w *Witness) getLimit(ctx context.Context, path string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.cfg.Server+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := w.do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err) // an answer that stopped: not reached (reach)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &statusError{path: path, status: resp.Status, code: resp.StatusCode}
	}
	return b, nil
}

// statusError is an answer of the server other than 200 OK.
type statusError struct {
	method       string // GET when empty
	path, status string
	code         int
	detail       string // the answer's body, when said
}

func (e *statusError) Error() string {
	s := cmp.Or(e.method, http.MethodGet) + " " + e.path + ": " + e.status
	if e.detail != "" {
		s += ": " + e.detail
	}
	return s
}

// maxCheckpoint bounds the answer to GET /v1/checkpoint: three lines and
// at most 100 signatures (note.Open refuses more), a few KiB.
const maxCheckpoint = 64 << 10

// The ranges a witness fetches new entries in (GET /v1/ledger?from&to):
// rangeEntries entries an answer, at most rangeBytes long.
const (
	rangeEntries = 512
	rangeBytes   = 64 << 20
)

// entries fetches the records of entries from to to−1, in ranges, and
// hands each range's to add in order; a range the server does not answer as
// exactly its framed records (too large, or a server without ranges) is
// fetched one entry at a time (GET /v1/entries/{index}), each handed to
// add alone. What the records say is verified by the caller as they come:
// an error of add stops the fetching.
func (w *Witness) entries(ctx context.Context, from, to int64, add func([][]byte) error) ([][]byte, error) {
	var recs [][]byte
	for i := from; i < to; {
		j := min(i+rangeEntries, to)
		b, err := w.getLimit(ctx, "/v1/ledger?from="+strconv.FormatInt(i, 10)+"&to="+strconv.FormatInt(j, 10), rangeBytes+1)
		if err != nil {
			return nil, err
		}
		rs, rest, err := splitFrames(b, j-i)
		if err == nil && int64(len(rs)) == j-i && len(rest) == 0 && len(b) <= rangeBytes {
			if err := add(rs); err != nil {
				return nil, err
			}
			recs = append(recs, rs...)
			i = j
			continue
		}
		// One at a time, each checked as it comes: up to MaxEntry an
		// answer, a range's worth is not held before any is checked.
		for ; i < j; i++ {
			rec, err := w.get(ctx, "/v1/entries/"+strconv.FormatInt(i, 10))
			if err != nil {
				return nil, err
			}
			if err := add([][]byte{rec}); err != nil {
				return nil, err
			}
			recs = append(recs, rec)
		}
	}
	return recs, nil
}

// splitFrames reads at most n framed records, and returns what follows
// them.
func splitFrames(data []byte, n int64) ([][]byte, []byte, error) {
	var out [][]byte
	for int64(len(out)) < n && len(data) > 0 {
		if len(data) < 4 {
			return out, data, errors.New("a short frame header")
		}
		l := binary.BigEndian.Uint32(data)
		if uint64(len(data)-4) < uint64(l) {
			return out, data, errors.New("a short record")
		}
		out = append(out, data[4:4+l])
		data = data[4+l:]
	}
	return out, data, nil
}
