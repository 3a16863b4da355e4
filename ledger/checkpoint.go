package ledger

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// CheckpointText is the body of a checkpoint (the C2SP tlog-checkpoint
// form): the log's origin, the tree size, the root hash in base64.
func CheckpointText(origin string, t tlog.Tree) []byte {
	return []byte(fmt.Sprintf("%s\n%d\n%s\n", origin, t.N, base64.StdEncoding.EncodeToString(t.Hash[:])))
}

// ParseCheckpoint reads a checkpoint body.
func ParseCheckpoint(text string) (origin string, t tlog.Tree, err error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 || lines[3] != "" {
		return "", t, fmt.Errorf("a checkpoint has three lines: origin, size, root hash")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 0 {
		return "", t, fmt.Errorf("tree size %q", lines[1])
	}
	h, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(h) != len(t.Hash) {
		return "", t, fmt.Errorf("root hash %q", lines[2])
	}
	t.N = n
	copy(t.Hash[:], h)
	return lines[0], t, nil
}

// SignCheckpoint signs the checkpoint of a tree.
func SignCheckpoint(origin string, t tlog.Tree, s note.Signer) ([]byte, error) {
	return note.Sign(&note.Note{Text: string(CheckpointText(origin, t))}, s)
}

// OpenCheckpoint verifies a signed checkpoint with the log's key (the
// first verifier: its signature is required) and any witness keys known,
// and returns the tree and the names of every key that signed it.
func OpenCheckpoint(msg []byte, origin string, verifiers ...note.Verifier) (tlog.Tree, []string, error) {
	n, err := note.Open(msg, note.VerifierList(verifiers...))
	var un *note.UnverifiedNoteError
	if errors.As(err, &un) && len(verifiers) > 0 {
		// Signed, by none of the keys given: say which, by name and key
		// hash (two keys may bear one name).
		var by []string
		for _, s := range un.Note.UnverifiedSigs {
			by = append(by, fmt.Sprintf("%s+%08x", s.Name, s.Hash))
		}
		return tlog.Tree{}, nil, fmt.Errorf("checkpoint: not signed by the log's key %s+%08x (signed only by %s): %w", verifiers[0].Name(), verifiers[0].KeyHash(), strings.Join(by, ", "), err)
	}
	if err != nil {
		return tlog.Tree{}, nil, fmt.Errorf("checkpoint: %w", err)
	}
	if len(verifiers) > 0 && !slices.ContainsFunc(n.Sigs, func(s note.Signature) bool {
		return s.Name == verifiers[0].Name() && s.Hash == verifiers[0].KeyHash()
	}) {
		return tlog.Tree{}, nil, fmt.Errorf("checkpoint: not signed by the log's key %s (only by %s)", verifiers[0].Name(), names(n.Sigs))
	}
	o, t, err := ParseCheckpoint(n.Text)
	if err != nil {
		return tlog.Tree{}, nil, err
	}
	if o != origin {
		return tlog.Tree{}, nil, fmt.Errorf("checkpoint of log %q, not %q", o, origin)
	}
	var signers []string
	for _, s := range n.Sigs {
		signers = append(signers, s.Name)
	}
	return t, signers, nil
}

// names lists the names of signatures.
func names(sigs []note.Signature) string {
	var out []string
	for _, s := range sigs {
		out = append(out, s.Name)
	}
	return strings.Join(out, ", ")
}

// Witness co-signs checkpoints of one log, each only when it is consistent
// with the last it signed: a log that forks its history cannot get the
// witness's signature on both branches.
type Witness struct {
	Origin string
	Log    note.Verifier // the log's key
	Signer note.Signer   // the witness's own key
	last   tlog.Tree
}

// NewWitness is a witness whose last cosigned tree is last (the zero tree:
// none yet), as its saved state says: a restarted witness keeps refusing
// what does not extend it.
func NewWitness(origin string, log note.Verifier, signer note.Signer, last tlog.Tree) *Witness {
	return &Witness{Origin: origin, Log: log, Signer: signer, last: last}
}

// Cosign verifies a checkpoint and the proof that it extends the last one
// the witness signed, and returns the checkpoint with the witness's
// signature added.
func (w *Witness) Cosign(msg []byte, proof tlog.TreeProof) ([]byte, error) {
	n, err := note.Open(msg, note.VerifierList(w.Log))
	if err != nil {
		return nil, fmt.Errorf("witness %s: %w", w.Signer.Name(), err)
	}
	o, t, err := ParseCheckpoint(n.Text)
	if err != nil {
		return nil, err
	}
	if o != w.Origin {
		return nil, fmt.Errorf("witness %s: checkpoint of log %q, not %q", w.Signer.Name(), o, w.Origin)
	}
	switch {
	case t.N < w.last.N:
		return nil, fmt.Errorf("witness %s: the checkpoint has %d entries, fewer than the %d it signed: history rolled back", w.Signer.Name(), t.N, w.last.N)
	case w.last.N > 0:
		if err := tlog.CheckTree(proof, t.N, t.Hash, w.last.N, w.last.Hash); err != nil {
			return nil, fmt.Errorf("witness %s: the checkpoint of %d entries does not extend the one of %d it signed: a fork (%v)", w.Signer.Name(), t.N, w.last.N, err)
		}
	}
	out, err := note.Sign(n, w.Signer)
	if err != nil {
		return nil, err
	}
	w.last = t
	return out, nil
}

// Last is the last tree the witness signed.
func (w *Witness) Last() tlog.Tree { return w.last }
