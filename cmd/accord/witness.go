package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/witness"
	"github.com/spf13/cobra"
)

func newWitnessCmd() *cobra.Command {
	var server, keyFile, name, logKey, keysPath, origin, data, token string
	var agreementPaths []string
	var once, asJSON bool
	var interval, every, timeout time.Duration
	cmd := &cobra.Command{
		Use:   "witness --server URL --key WITNESS.key --log-key VKEY [--name NAME] [--data DIR]",
		Short: "A party's own node: follow a server's log, verify it, replay it and cosign its checkpoints",
		Long: `witness follows the record of a server as a party's own node. It subscribes to
the server's feed (GET /v1/feed, server-sent events) and runs a round when it
connects, when entries are announced and at each keepalive (15 s), at most
one round per --every: a burst of batches makes a round or two, not one
each. When the feed drops (the server restarts) it reconnects with backoff
and catches up in one round; when the server has no feed it says so on
stderr and polls every --interval, asking for the feed again each minute.

Each round it fetches the server's checkpoint (GET /v1/checkpoint), which must be signed by
the log's key (--log-key); checks that it extends the last checkpoint this
witness cosigned (a consistency proof, GET /v1/proofs/consistency); fetches
the new entries (GET /v1/entries/{i}) and verifies every one as 'accord
verify' does (framing, canonical form, sequence and link, each submission's
author signature, the tree's root); replays the agreement engine over the
record with the same code as 'accord verify' (the embedded reference
agreement unless --agreement names others); and only then cosigns the
checkpoint with its own note key and posts the cosignature to the server
(POST /v1/checkpoint/cosignatures), which publishes it on its checkpoints.

A checkpoint that is not signed by the log's key, that has fewer entries than
the last one cosigned, or that does not extend it (another entry at an index
already cosigned: a fork, located at its first entry that differs, with both
record hashes), an entry that does not verify, or a record the engine cannot
replay is refused and never cosigned: the refusal is printed, and the witness
keeps refusing until the server serves a history that extends the one it
cosigned. With --once it exits 0 when the round ended (cosigned, or
nothing new), 1 on a refusal (or when the server answered with an error),
3 when the server could not be reached (connection refused, host not
found, no answer within --timeout): nothing was verified, try again.

Its state is kept in --data: the last checkpoint it cosigned
(cosigned.checkpoint, signed by the log and by the witness: a checkpoint
'accord verify --checkpoint' takes) and a copy of the entries it covers
(ledger), both written before the cosignature is sent, so that a restarted
witness cannot be led to sign a fork. The directory is held locked
(witness.lock) while the witness runs: a second witness on it is refused.
A directory holding a copy of the record without cosigned.checkpoint is
refused too (the state is lost). A new witness trusts the first
checkpoint it verifies. The witness's key is made with 'accord ledger keygen
NAME' (the private line in WITNESS.key); its public line is what the server
takes with 'serve --witness-key' and 'accord verify --witness'.

Each round prints a line (entries verified, checkpoints cosigned, refusals);
--json prints one JSON event a line instead: {"event": "verified" |
"cosigned" | "up_to_date" | "refused", "size", "root", "entries", "states",
"witnesses", "refusal": {"reason", "index", "cosigned_hash", "served_hash"}}.`,
		Example: `  accord ledger keygen ua-witness > ua-witness.keys
  head -1 ua-witness.keys > ua-witness.key     # private: stays with the party
  tail -1 ua-witness.keys                      # public: for serve --witness-key
  accord witness --server https://mission.example.org --key ua-witness.key \
      --log-key "$(cat log.pub)" --data ua-witness.d
  accord witness --server http://127.0.0.1:8080 --key ua-witness.key --log-key log.pub --once --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if server == "" || keyFile == "" || logKey == "" {
				return usageError{cmd: "witness", err: fmt.Errorf("--server, --key and --log-key are required")}
			}
			if interval <= 0 || every <= 0 || timeout <= 0 {
				return usageError{cmd: "witness", err: fmt.Errorf("--interval %v, --every %v, --timeout %v: want durations above 0", interval, every, timeout)}
			}
			if why := originProblem(origin); why != "" {
				return usageError{cmd: "witness", err: fmt.Errorf("--origin %q: %s; want the log's name, one line of text", origin, why)}
			}
			server = strings.TrimSuffix(server, "/")
			if err := witness.CheckServer(server); err != nil {
				return usageError{cmd: "witness", err: fmt.Errorf("--server: %v", err)}
			}
			signer, err := readSigner("--key", keyFile)
			if err != nil {
				return err
			}
			if name != "" && name != signer.Name() {
				return accord.Errorf(accord.EINVALID, "--name %q: the key in %s is %q's", name, keyFile, signer.Name())
			}
			lv, err := readVerifier("--log-key", logKey)
			if err != nil {
				return err
			}
			as, reg, signed, err := loadAgreementsRegistry(agreementPaths, keysPath)
			if err != nil {
				return err
			}
			if data == "" {
				data = signer.Name() + ".witness"
			}
			client := witnessClient(timeout)
			w, err := witness.Open(witness.Config{Server: server, Origin: origin, Log: lv, Signer: signer, Dir: data,
				Registry: reg, Agreements: as, Signed: signed, Client: client,
				Open: openSealedWith(cmd, client, server, firstOf(token, os.Getenv("ACCORD_TOKEN")))})
			if err != nil {
				return &accord.Error{Code: accord.EINVALID, Message: "witness " + signer.Name(), Err: err}
			}
			defer w.Close()
			out := cmd.OutOrStdout()
			report := func(ev witness.Event) { writeWitnessEvent(out, signer.Name(), ev, asJSON) }
			if !asJSON {
				fmt.Fprintf(out, "witness %s: following %s (log key %s), state in %s, last cosigned %d entries\n", signer.Name(), w.Server(), lv.Name(), data, w.Last().N)
			}
			if once {
				err := w.Round(cmd.Context(), report)
				var r *witness.Refusal
				var u *witness.Unreachable
				switch {
				case err == nil:
					return nil
				case errors.As(err, &r):
					return accord.Errorf(accord.EINVALID, "witness %s refused the checkpoint: %s", signer.Name(), r.Reason)
				case cmd.Context().Err() == nil && errors.As(err, &u):
					// Nothing verified nor refused: exit 3, to be tried again.
					again := ", try again later"
					if strings.HasSuffix(err.Error(), "try again later") {
						again = "" // said already
					}
					return fmt.Errorf("witness %s: %w; nothing verified nor cosigned%s", signer.Name(), err, again)
				case cmd.Context().Err() != nil:
					// Stopped before the round ended: nothing verified nor
					// cosigned (exit 130, as any command interrupted).
					return fmt.Errorf("witness %s: the round stopped before it ended: %w", signer.Name(), context.Canceled)
				default:
					return &accord.Error{Code: accord.ENOTFOUND, Message: "witness " + signer.Name() + ": " + w.Server(), Err: err}
				}
			}
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			return w.Follow(cmd.Context(), witness.FollowConfig{Every: every, Poll: interval, Logger: logger}, report)
		},
	}
	f := cmd.Flags()
	f.StringVar(&server, "server", "", "the server whose log this witness follows (its base URL)")
	f.StringVar(&keyFile, "key", "", "the witness's private note key (a file: 'accord ledger keygen NAME', first line)")
	f.StringVar(&name, "name", "", "the witness's name, checked against its key's (default: the key's)")
	f.StringVar(&logKey, "log-key", "", "the log's public note key, or a file holding it (the server prints it at start)")
	f.StringArrayVar(&agreementPaths, "agreement", nil, "agreement whose engine replays the events, a file or an embedded one by name ("+embeddedNames()+"); repeat as for accord verify (default: reference)")
	f.StringVar(&keysPath, "keys", "", `more authors' public keys than the agreement's: a JSON file {"NAME": "BASE64 ED25519"}`)
	f.StringVar(&origin, "origin", "accord/ukraine-2025", "the log's origin line in its checkpoints")
	f.StringVar(&data, "data", "", "the witness's state directory (default NAME.witness)")
	f.StringVar(&token, "token", "", "the bearer token that opens sealed entries of open consultations (default $ACCORD_TOKEN)")
	f.BoolVar(&once, "once", false, "catch up with the server once and exit (1 on a refusal or an error answer, 3 when the server cannot be reached)")
	f.BoolVar(&asJSON, "json", false, "print one JSON event a line instead of progress lines")
	f.DurationVar(&every, "every", witness.DefaultEvery, "the least time between two rounds while following the feed: the batches that arrive meanwhile make one round")
	f.DurationVar(&interval, "interval", witness.DefaultPoll, "time between two rounds when the server has no feed (polling)")
	f.DurationVar(&timeout, "timeout", time.Minute, "the longest a request to the server may take, its answer read whole (the feed's stream excepted: it is dropped after 45 s of silence)")
	return cmd
}

// writeWitnessEvent prints a witness's event: a progress line, or JSON.
func writeWitnessEvent(w io.Writer, name string, ev witness.Event, asJSON bool) {
	if asJSON {
		b, _ := json.Marshal(ev)
		fmt.Fprintf(w, "%s\n", b)
		return
	}
	switch ev.Event {
	case "verified":
		fmt.Fprintf(w, "witness %s: %d new entries verified, %d in all (root %s)", name, ev.Entries, ev.Size, ev.Root)
		if ev.Partial != nil {
			fmt.Fprintf(w, "; the engine's state is not replayed: entry %d is sealed and was not opened (give --token)\n", *ev.Partial)
			return
		}
		for a, h := range ev.States {
			fmt.Fprintf(w, "; %s state sha256 %s", a, h)
		}
		fmt.Fprintln(w)
	case "cosigned":
		fmt.Fprintf(w, "witness %s: checkpoint of %d entries cosigned; the server publishes it with the cosignatures of %s\n", name, ev.Size, strings.Join(ev.Witnesses, ", "))
	case "up_to_date":
		fmt.Fprintf(w, "witness %s: nothing new (%d entries)\n", name, ev.Size)
	case "refused":
		fmt.Fprintf(w, "witness %s: REFUSED the checkpoint of %d entries", name, ev.Size)
		if ev.Refusal.Index >= 0 {
			fmt.Fprintf(w, " at entry %d", ev.Refusal.Index)
		}
		fmt.Fprintf(w, ": %s\n", ev.Refusal.Reason)
	}
}

// readWitnessKeys reads the witnesses' public keys 'serve --witness-key'
// takes: each a key (NAME+HASH+KEY), NAME=KEY, or a file of them, one a
// line ('#' comments and blank lines skipped).
func readWitnessKeys(args []string) ([]note.Verifier, error) {
	var keys []string
	for _, a := range args {
		if _, err := note.NewVerifier(a); err == nil || strings.Contains(a, "=") || !fileExists(a) {
			if !strings.ContainsAny(a, "+=") && !fileExists(a) {
				// No key has neither: a file's name, and no such file.
				return nil, usageError{err: fmt.Errorf("--witness-key %s: no such file, and not a key (NAME+HASH+KEY or NAME=KEY)", a)}
			}
			keys = append(keys, a)
			continue
		}
		f, err := os.Open(a)
		if err != nil {
			return nil, usageError{err: fmt.Errorf("--witness-key %s: %v", a, err)}
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
				keys = append(keys, l)
			}
		}
		f.Close()
	}
	vs, err := api.WitnessVerifiers(keys)
	if err != nil {
		return nil, usageError{err: fmt.Errorf("--witness-key: %v", err)}
	}
	return vs, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(filepath.Clean(p))
	return err == nil
}
