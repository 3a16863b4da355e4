package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/reach"
	"github.com/accord-peace/accord/internal/redact"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/witness"
	"github.com/spf13/cobra"
)

func newLedgerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ledger",
		Short: "Keys and checkpoints of the verifiable record",
		Long: `ledger manages the keys and checkpoints of the verifiable record.

  keygen      make a key pair: a signed-note key for a log or a witness, or an
              ed25519 key for an author of submissions
  checkpoint  sign a checkpoint of a ledger file with the log's key`,
	}
	cmd.AddCommand(newKeygenCmd(), newCheckpointCmd())
	return cmd
}

func newCheckpointCmd() *cobra.Command {
	var keyFile, origin string
	cmd := &cobra.Command{
		Use:   "checkpoint LEDGER --key LOG.KEY",
		Short: "Sign a checkpoint of a ledger file with the log's private note key",
		Long: `checkpoint opens a ledger file (cutting a torn tail, as the server does, and
refusing a damaged one), computes the tree of all its entries, saves it beside
the ledger (LEDGER.tree: the ledger will not open short of it) and prints the
checkpoint signed with the log's private note key (the data directory's
log.key for 'accord serve').`,
		Args: exactArgs(1, "one LEDGER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if keyFile == "" {
				return usageError{cmd: "checkpoint", err: fmt.Errorf("--key is required")}
			}
			if why := originProblem(origin); why != "" {
				return usageError{cmd: "checkpoint", err: fmt.Errorf("--origin %q: %s; want the log's name, one line of text", origin, why)}
			}
			signer, err := readSigner("--key", keyFile)
			if err != nil {
				return err
			}
			// ledger.Open makes a ledger that is not there: a checkpoint of
			// a new empty one is the checkpoint of no log.
			if _, err := os.Stat(args[0]); errors.Is(err, fs.ErrNotExist) {
				return &accord.Error{Code: accord.ENOTFOUND, Message: "no such ledger: " + args[0] + " (nothing created)", Err: err}
			}
			// A server's ledger is written by the server while it runs: a
			// write in progress is no torn tail to cut.
			if who, busy := local.InUse(filepath.Dir(args[0])); busy {
				return accord.Errorf(accord.EINVALID, "%s: its directory is in use by %s (%s held): the ledger of a running server is signed by the server (GET /v1/checkpoint); stop it first, or sign a copy", args[0], who, local.LockName)
			}
			l, err := ledger.Open(args[0])
			if err != nil {
				return &accord.Error{Code: accord.EINVALID, Message: "ledger", Err: err}
			}
			defer l.Close()
			tree, err := l.Tree(l.Len())
			if err == nil {
				// Saved beside the ledger before it is signed: the ledger
				// will not reopen short of it.
				err = l.Remember(tree)
			}
			if err != nil {
				return err
			}
			cp, err := ledger.SignCheckpoint(origin, tree, signer)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(cp)
			return err
		},
	}
	cmd.Flags().StringVar(&keyFile, "key", "", "the log's private note key (a file)")
	cmd.Flags().StringVar(&origin, "origin", "accord/ukraine-2025", "the log's origin line")
	return cmd
}

// originProblem says why origin cannot be a checkpoint's origin line, ""
// when it can: a checkpoint's origin is its first line, and a signed note's
// text is UTF-8 with no control character but the newlines between lines.
func originProblem(origin string) string {
	if strings.TrimSpace(origin) == "" {
		return "empty"
	}
	if !utf8.ValidString(origin) {
		return "not UTF-8"
	}
	for _, r := range origin {
		switch {
		case r == '\n':
			return "a newline would make it two lines, and verify would refuse the checkpoint"
		case r < 0x20:
			return fmt.Sprintf("the control character %U, which a signed note may not hold", r)
		}
	}
	return ""
}

func newKeygenCmd() *cobra.Command {
	var author bool
	cmd := &cobra.Command{
		Use:   "keygen NAME",
		Short: "Make a key pair and print it (private first)",
		Long: `keygen prints a new key pair on two lines, the private key first. By default
it is a signed-note key (golang.org/x/mod/sumdb/note, ed25519) named NAME, for
a log's checkpoints or a witness's cosignatures: the public line is what
'accord verify --log-key' takes. With --author it is a raw ed25519 key pair
in base64, for an author of submissions: the public key goes in the keys
file 'accord verify --keys' reads ({"NAME": "BASE64"}).`,
		Args: exactArgs(1, "one NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if author {
				pub, priv, err := ed25519.GenerateKey(rand.Reader)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s\n%s\n", base64.StdEncoding.EncodeToString(priv), base64.StdEncoding.EncodeToString(pub))
				return nil
			}
			skey, vkey, err := note.GenerateKey(rand.Reader, args[0])
			if err != nil {
				return usageError{cmd: "keygen", err: err}
			}
			// GenerateKey takes any name, but a signer or verifier refuses
			// one that is empty, holds a space or a '+', or is not UTF-8:
			// such a key could never be used.
			if _, err := note.NewSigner(skey); err != nil {
				return usageError{cmd: "keygen", err: fmt.Errorf("NAME %q: a note key's name must be UTF-8 with no space and no '+' (%v)", args[0], err)}
			}
			if _, err := note.NewVerifier(vkey); err != nil {
				return usageError{cmd: "keygen", err: fmt.Errorf("NAME %q: a note key's name must be UTF-8 with no space and no '+' (%v)", args[0], err)}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s\n%s\n", skey, vkey)
			return nil
		},
	}
	cmd.Flags().BoolVar(&author, "author", false, "an author's raw ed25519 key instead of a signed-note key")
	return cmd
}

func newVerifyCmd() *cobra.Command {
	var checkpointPath, logKey, keysPath, origin, server, token string
	var agreementPaths []string
	var witnessKeys []string
	var timeout clientTimeout
	cmd := &cobra.Command{
		Use:   "verify LEDGER|URL --checkpoint FILE --log-key VKEY [--keys KEYS.json]",
		Short: "Check a ledger on its own: every proof and signature, then replay its events",
		Long: `verify trusts nothing but the keys it is given. It opens the checkpoint with the
log's public key (and the --witness keys: each witness named must have
cosigned it, 'accord witness'; every signer is reported), reads the
ledger's bytes, and checks every entry: its framing, canonical form, sequence
number and link to the entry before it, each submission's author signature
(keys from the agreement's keys section, and from --keys, a JSON object of
base64 ed25519 public keys) and
uniqueness; then that the tree of the first N entries has the checkpoint's
root. Any changed byte, dropped, repeated or reordered entry is reported with
the entry and byte offset. When all holds, the agreement engine's history is
read as the server reads it at restart (its own derived "event" entries; a
submission never feeds the engine by itself), and, when the agreement
registers its authors' keys, every response, finding and finding signature
must rest on a signed submission by its author; the events are replayed
through the agreement engine (the embedded reference unless --agreement
names one) and the state printed with its SHA-256.

Exit 0 when all holds, 1 when anything is refused; with a URL, 3 when the
server could not be reached (connection refused, host not found, no answer
within --timeout, 30s by default or $ACCORD_TIMEOUT, at any step: to
connect, to send, for the answer, for more of it while it comes): nothing was
verified, and a later run may succeed.`,
		Args: exactArgs(1, "one LEDGER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if checkpointPath == "" || logKey == "" {
				return usageError{cmd: "verify", err: fmt.Errorf("--checkpoint and --log-key are required")}
			}
			lv, err := readVerifier("--log-key", logKey)
			if err != nil {
				return err
			}
			verifiers := []note.Verifier{lv}
			for _, w := range witnessKeys {
				v, err := readVerifier("--witness", w)
				if err != nil {
					return err
				}
				verifiers = append(verifiers, v)
			}
			cp, err := os.ReadFile(checkpointPath)
			if err != nil {
				return &accord.Error{Code: accord.ENOTFOUND, Message: "checkpoint", Err: err}
			}
			tree, signers, err := ledger.OpenCheckpoint(cp, origin, verifiers...)
			if err != nil {
				return &accord.Error{Code: accord.EINVALID, Message: checkpointPath, Err: err}
			}
			// Every witness named must have cosigned it: a signature by its
			// key, not one by another key under its name (the log's).
			n, err := note.Open(cp, note.VerifierList(verifiers...))
			if err != nil {
				return &accord.Error{Code: accord.EINVALID, Message: checkpointPath, Err: err}
			}
			for _, v := range verifiers[1:] {
				if !slices.ContainsFunc(n.Sigs, func(s note.Signature) bool { return s.Name == v.Name() && s.Hash == v.KeyHash() }) {
					return accord.Errorf(accord.EINVALID, "%s: not cosigned by the witness %s (signed by %s)", checkpointPath, v.Name(), strings.Join(signers, ", "))
				}
			}
			as, reg, signed, err := loadAgreementsRegistry(agreementPaths, keysPath)
			if err != nil {
				return err
			}
			data, err := readLedger(cmd, args[0], &timeout)
			if err != nil {
				return err
			}
			rep := ledger.Verify(data, reg, &tree)
			w := cmd.OutOrStdout()
			if !rep.OK() {
				var b strings.Builder
				for _, p := range rep.Problems {
					b.WriteString("\n  " + p.String())
				}
				return accord.Errorf(accord.EINVALID, "%s does not verify against the checkpoint of %d entries (%d problem(s)):%s", args[0], tree.N, len(rep.Problems), b.String())
			}
			fmt.Fprintf(w, "%s: %d entries verified; the first %d match the checkpoint signed by %s\n", args[0], rep.Entries, tree.N, strings.Join(signers, ", "))
			if rep.TornTail > 0 {
				fmt.Fprintf(w, "note: the last %d bytes, after entry %d, are a torn tail (a write that never completed, after the checkpoint's entries): not part of the record\n", rep.TornTail, rep.Entries-1)
			}
			// The server's own reading of the record: what it restores from
			// is what is replayed here.
			h := mission.NewHistory(signed)
			h.Registry = reg
			if from := sealedFrom(args[0], server); from != "" {
				hc, err := timeout.client()
				if err != nil {
					return err
				}
				h.Open = openSealedWith(cmd, hc, from, firstOf(token, os.Getenv("ACCORD_TOKEN")))
			}
			sts, err := mission.Replay(data, rep.Entries, as, h)
			if err != nil {
				return accord.Errorf(accord.EINVALID, "%s: %v", args[0], err)
			}
			if h.Partial() {
				fmt.Fprintf(w, "\nthe engine's state is not replayed: entry %d is sealed (consultation %s, still open, restricted to its party, the guarantors and the mediators) and was not opened", h.UnopenedEntry, h.Unopened.Consultation)
				if sealedFrom(args[0], server) == "" {
					fmt.Fprint(w, "; give --server URL (and --token) to open sealed entries")
				}
				fmt.Fprintf(w, ". The record itself verifies (%d sealed entries in it); the answer is partial.\n", rep.Sealed)
				return nil
			}
			for i, st := range sts {
				if len(sts) > 1 {
					if i > 0 {
						fmt.Fprintln(w)
					}
					fmt.Fprintf(w, "== agreement %s\n", st.Agreement)
				}
				writeStatus(w, st)
			}
			fmt.Fprintf(w, "\n%d events replayed", len(h.Events))
			for _, st := range sts {
				if len(sts) > 1 {
					fmt.Fprintf(w, "; %s", st.Agreement)
				}
				fmt.Fprintf(w, "; state sha256 %s", st.Hash())
			}
			fmt.Fprintln(w)
			if h.Sealed > 0 {
				fmt.Fprintf(w, "%d sealed entries opened, each matching its seal\n", h.Sealed)
			}
			if h.Signed {
				fmt.Fprintf(w, "%d responses, finding signatures and provisions done, each signed by its author\n", h.Attributed)
			} else {
				fmt.Fprintln(w, "the agreement registers no authors' keys: responses and findings were taken on the server's word (bearer tokens), not signed")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&checkpointPath, "checkpoint", "", "the trusted signed checkpoint (a signed note)")
	f.StringVar(&logKey, "log-key", "", "the log's public note key, or a file holding it")
	f.StringArrayVar(&witnessKeys, "witness", nil, "a witness's public note key, or a file holding it, whose cosignature the checkpoint must carry (repeat)")
	f.StringVar(&keysPath, "keys", "", `more authors' public keys than the agreement's: a JSON file {"NAME": "BASE64 ED25519"}`)
	f.StringVar(&origin, "origin", "accord/ukraine-2025", "the log's origin line in its checkpoints")
	f.StringArrayVar(&agreementPaths, "agreement", nil, "agreement whose engine replays the events, a file or an embedded one by name ("+embeddedNames()+"); repeat for the agreements run beside the main one, in the server's order (default: reference)")
	f.StringVar(&server, "server", "", "the server that opens sealed entries (default: the URL verified, when it is one)")
	f.StringVar(&token, "token", "", "the bearer token that opens sealed entries of open consultations (default $ACCORD_TOKEN)")
	timeout.register(cmd)
	return cmd
}

// sealedFrom is the server that opens sealed entries: --server, else the
// ledger's URL.
func sealedFrom(src, server string) string {
	if server != "" {
		return strings.TrimSuffix(server, "/")
	}
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		return strings.TrimSuffix(src, "/")
	}
	return ""
}

// openSealedWith fetches sealed content from a server (GET
// /v1/sealed/{sha256}) through client (the command's: verify's, a
// witness's); nothing when the caller may not read it yet. The content is
// checked against its seal by the reader.
func openSealedWith(cmd *cobra.Command, client *http.Client, server, token string) func(accord.Seal) (*accord.Sealed, error) {
	return func(seal accord.Seal) (*accord.Sealed, error) {
		req, err := http.NewRequestWithContext(cmd.Context(), http.MethodGet, server+"/v1/sealed/"+seal.SHA256, nil)
		if err != nil {
			return nil, err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		// A failure to fetch (witness.ErrFetch) is told from content that
		// does not match its seal (refused by the reader).
		resp, err := reach.Do(client, req, redact.URL(server))
		if err != nil {
			return nil, fmt.Errorf("%w: %w", witness.ErrFetch, err)
		}
		defer resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusOK:
		case http.StatusUnauthorized, http.StatusForbidden:
			return nil, nil
		default:
			return nil, fmt.Errorf("%w: %s: %s", witness.ErrFetch, server, resp.Status)
		}
		var x accord.Sealed
		if err := json.NewDecoder(io.LimitReader(resp.Body, 32<<20)).Decode(&x); err != nil {
			var u *reach.Unreachable
			if errors.As(err, &u) { // the answer stopped: not what it holds
				return nil, fmt.Errorf("%w: %w", witness.ErrFetch, err)
			}
			return nil, fmt.Errorf("%w: %s: not sealed content: %v", witness.ErrFetch, server, err)
		}
		return &x, nil
	}
}

// readVerifier reads the public note key a flag gives: the key itself
// (NAME+HASH+KEY) or a file holding it. What is wrong names the flag, and
// a private key given instead is never echoed.
func readVerifier(flag, s string) (note.Verifier, error) {
	key, from := s, ""
	if b, err := os.ReadFile(s); err == nil {
		key, from = strings.TrimSpace(string(b)), " (the file "+s+")"
	}
	if redact.IsPrivateKey(key) {
		return nil, accord.Errorf(accord.EINVALID, "%s%s: a private key (%s); give the public key, NAME+HASH+KEY (log.pub beside the server's log.key, or the second line 'accord ledger keygen' wrote)", flag, from, redact.Value(key))
	}
	v, err := note.NewVerifier(key)
	if err == nil {
		return v, nil
	}
	if from != "" {
		return nil, accord.Errorf(accord.EINVALID, "%s%s: not a public note key (NAME+HASH+KEY): %v", flag, from, err)
	}
	return nil, accord.Errorf(accord.ENOTFOUND, "%s %q: neither a file nor a public note key (NAME+HASH+KEY)", flag, redact.Value(s))
}

// readSigner reads a private note key from a file: the one line of it that
// is a private key (PRIVATE+KEY+…), so that the file 'accord ledger keygen'
// wrote, both lines, serves as well as its first line alone.
func readSigner(flag, path string) (note.Signer, error) {
	if redact.IsPrivateKey(strings.TrimSpace(path)) {
		// The key itself, not its file: never echoed.
		return nil, accord.Errorf(accord.EINVALID, "%s %s: the private key itself, where its file is wanted; write it to a file readable by its owner only (chmod 600) and give that file", flag, redact.Value(strings.TrimSpace(path)))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &accord.Error{Code: accord.ENOTFOUND, Message: flag + " " + path, Err: err}
	}
	var private []string
	public := false
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case redact.IsPrivateKey(line):
			private = append(private, line)
		case line != "":
			if _, err := note.NewVerifier(line); err == nil {
				public = true
			}
		}
	}
	switch {
	case len(private) > 1:
		return nil, accord.Errorf(accord.EINVALID, "%s %s: %d private keys; the file must hold one (with its public key or not)", flag, path, len(private))
	case len(private) == 0 && public:
		return nil, accord.Errorf(accord.EINVALID, "%s %s: a public key only; give the private note key (PRIVATE+KEY+…, the first line 'accord ledger keygen NAME' prints)", flag, path)
	case len(private) == 0:
		return nil, accord.Errorf(accord.EINVALID, "%s %s: not a private note key (PRIVATE+KEY+…, the first line 'accord ledger keygen NAME' prints)", flag, path)
	}
	signer, err := note.NewSigner(private[0])
	if err != nil {
		return nil, accord.Errorf(accord.EINVALID, "%s %s: a damaged private note key: %v", flag, path, err)
	}
	return signer, nil
}

// registry gathers the authors' public keys: the agreement's, and those of
// a keys file when one is given (they take precedence).
func registry(agreed map[string]string, path string) (*ledger.Registry, error) {
	m := map[string]string{}
	for k, v := range agreed {
		m[k] = v
	}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, &accord.Error{Code: accord.ENOTFOUND, Message: "keys " + path, Err: err}
		}
		var extra map[string]string
		if err := json.Unmarshal(b, &extra); err != nil {
			return nil, accord.Errorf(accord.EINVALID, "%s: want {\"NAME\": \"BASE64 ED25519 PUBLIC KEY\"}: %v", path, err)
		}
		if p, ok := accord.RepeatedKey(b); ok {
			// json keeps the last: which key an author has would depend on the reader.
			return nil, accord.Errorf(accord.EINVALID, "%s: the key of %q: %s; give each author once", path, p, accord.RepeatedKeyReason)
		}
		for k, v := range extra {
			if a, ok := agreed[k]; ok && a != v {
				return nil, accord.Errorf(accord.EINVALID, "%s: the agreement registers another key for %q: a keys file adds authors, it does not replace the agreement's", path, k)
			}
			m[k] = v
		}
	}
	reg := &ledger.Registry{Keys: map[string]ed25519.PublicKey{}}
	for name, k := range m {
		pub, err := base64.StdEncoding.DecodeString(k)
		if err != nil || len(pub) != ed25519.PublicKeySize {
			return nil, accord.Errorf(accord.EINVALID, "%s: the key of %q is not a base64 ed25519 public key", path, name)
		}
		reg.Keys[name] = pub
	}
	return reg, nil
}

// readLedger reads a ledger file, or fetches it from a server through
// the command's client (its --timeout).
func readLedger(cmd *cobra.Command, src string, timeout *clientTimeout) ([]byte, error) {
	if !strings.HasPrefix(src, "http://") && !strings.HasPrefix(src, "https://") {
		data, err := os.ReadFile(src)
		if err != nil {
			return nil, &accord.Error{Code: accord.ENOTFOUND, Message: "ledger", Err: err}
		}
		return data, nil
	}
	req, err := http.NewRequestWithContext(cmd.Context(), http.MethodGet, strings.TrimSuffix(src, "/")+"/v1/ledger", nil)
	if err != nil {
		return nil, usageError{cmd: "verify", err: err}
	}
	hc, err := timeout.client()
	if err != nil {
		return nil, err
	}
	resp, err := reach.Do(hc, req, redact.URL(src))
	if err != nil {
		return nil, err // could not be reached: exit 3
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, accord.Errorf(accord.ENOTFOUND, "ledger %s: %s", redact.URL(src), resp.Status)
	}
	return io.ReadAll(resp.Body) // an answer that stops: could not be reached, exit 3
}
