package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/internal/reach"
	"github.com/accord-peace/accord/internal/redact"
	"github.com/accord-peace/accord/ledger"
)

// consultFlags are what every signed consultation command needs: where to
// send, who signs, with which key.
type consultFlags struct {
	server, author, keyFile, token, id, evidence string
	json                                         bool
	timeout                                      clientTimeout
}

func (f *consultFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.server, "server", "http://127.0.0.1:8080", serverFlagUsage)
	c.Flags().StringVar(&f.author, "author", "", "who signs: the party answering, or the guarantor signing (required)")
	c.Flags().StringVar(&f.keyFile, "key", "", "the author's private key: a file whose first line is the base64 ed25519 private key 'accord ledger keygen --author' prints (its output saved whole will do; required)")
	c.Flags().StringVar(&f.token, "token", "", "the bearer token, when the server checks tokens (default $ACCORD_TOKEN)")
	f.timeout.register(c)
	c.Flags().StringVar(&f.id, "id", "", "the submission's id, unique per author (default: random)")
	c.Flags().StringVar(&f.evidence, "evidence", "", "the evidence: what a dispute or a finding rests on")
	c.Flags().BoolVar(&f.json, "json", false, "print the server's answer as JSON")
}

func newConsultCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "consult",
		Short: "Answer a notice or sign a finding, signed with the author's key",
		Long: `consult sends a party's answer to a notice, or a guarantor's signature of a
finding, to a mission server as a submission signed with the author's ed25519
key (POST /v1/submissions). The server checks the signature, acts on it and
records it, so that 'accord verify' can attribute every answer and finding to
its author; a refused one is recorded too, and the command says why and exits 1.

  respond  a party answers the notice of a consultation (accept or dispute)
  sign     a guarantor signs an outcome of a disputed consultation
  done     a party records that it carried out a provision it is obliged to

` + serverExits,
	}
	cmd.AddCommand(newConsultRespondCmd(), newConsultSignCmd(), newConsultDoneCmd())
	return cmd
}

func newConsultRespondCmd() *cobra.Command {
	var f consultFlags
	var answer string
	cmd := &cobra.Command{
		Use:   "respond CONSULTATION --answer accept|dispute --author PARTY --key KEY",
		Short: "A party answers a notice, signed",
		Args:  exactArgs(1, "one CONSULTATION id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if answer != "accept" && answer != "dispute" {
				return usageError{cmd: "respond", err: fmt.Errorf("--answer: want accept or dispute, got %q", answer)}
			}
			return f.send(cmd, accord.SubmissionResponse, accord.ResponseBody{Consultation: args[0], Answer: answer, Evidence: f.evidence})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&answer, "answer", "", "accept, or dispute (with --evidence)")
	return cmd
}

func newConsultSignCmd() *cobra.Command {
	var f consultFlags
	var outcome string
	cmd := &cobra.Command{
		Use:   "sign CONSULTATION --outcome upheld|dismissed|inconclusive --author GUARANTOR --key KEY",
		Short: "A guarantor signs a finding, signed",
		Args:  exactArgs(1, "one CONSULTATION id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if outcome != accord.OutcomeUpheld && outcome != accord.OutcomeDismissed && outcome != accord.OutcomeInconclusive {
				return usageError{cmd: "sign", err: fmt.Errorf("--outcome: want upheld, dismissed or inconclusive, got %q", outcome)}
			}
			return f.send(cmd, accord.SubmissionFinding, accord.FindingBody{Consultation: args[0], Outcome: outcome, Evidence: f.evidence})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&outcome, "outcome", "", "upheld, dismissed or inconclusive")
	return cmd
}

func newConsultDoneCmd() *cobra.Command {
	var f consultFlags
	cmd := &cobra.Command{
		Use:   "done PROVISION --author PARTY --key KEY",
		Short: "A party records a provision it carried out (the verifier an all-for-all one), signed",
		Long: `done sends a party's record that it carried out a provision it is obliged to
(a provision_done submission, signed with its key): the agreement engine
marks the provision done, and what follows (a phase opening, a tranche of
relief) is recorded with it. An all-for-all provision of a prisoner exchange
is done on its verifier's word only (--author icrc), never a party's. A
provision of an agreement beside the main one is AGREEMENT/PROVISION.`,
		Example: `  accord consult done prisoner-exchange --author ua --key ua.key --token $UA
  accord consult done ukraine-2025-prisoner-exchange/all-for-all --author icrc --key icrc.key --token $ICRC`,
		Args: exactArgs(1, "one PROVISION id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return f.send(cmd, accord.SubmissionProvision, accord.ProvisionBody{Provision: args[0]})
		},
	}
	f.register(cmd)
	return cmd
}

// send signs a submission and posts it.
func (f *consultFlags) send(cmd *cobra.Command, typ string, body any) error {
	if f.author == "" || f.keyFile == "" {
		return usageError{cmd: cmd.Name(), err: fmt.Errorf("--author and --key are required")}
	}
	key, err := readAuthorKey(f.keyFile)
	if err != nil {
		return err
	}
	id := f.id
	if id == "" {
		b := make([]byte, 8)
		rand.Read(b)
		id = typ + "-" + hex.EncodeToString(b)
	}
	sub, err := ledger.Sign(key, f.author, id, typ, body)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(sub)
	req, err := http.NewRequestWithContext(cmd.Context(), http.MethodPost, strings.TrimSuffix(f.server, "/")+"/v1/submissions", bytes.NewReader(raw))
	if err != nil {
		return usageError{cmd: cmd.Name(), err: fmt.Errorf("--server: %v", err)}
	}
	req.Header.Set("Content-Type", "application/json")
	if tok := firstOf(f.token, os.Getenv("ACCORD_TOKEN")); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	hc, err := f.timeout.client()
	if err != nil {
		return err
	}
	resp, err := reach.Do(hc, req, redact.URL(f.server))
	if err != nil {
		return err // could not be reached (exit 3), or sent with no answer
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e api.ErrorBody
		if json.Unmarshal(b, &e) != nil || e.Message == "" {
			return accord.Errorf(accord.EINVALID, "%s: %s", redact.URL(f.server), resp.Status)
		}
		return &accord.Error{Code: e.Code, Message: e.Message}
	}
	if f.json {
		_, err = cmd.OutOrStdout().Write(b)
		return err
	}
	w := cmd.OutOrStdout()
	if typ == accord.SubmissionProvision {
		var res api.ProvisionResult
		if err := json.Unmarshal(b, &res); err != nil {
			return accord.Errorf(accord.EINVALID, "%s answered something other than a provision: %v", redact.URL(f.server), err)
		}
		fmt.Fprintf(w, "%s %q recorded; provision %s is %s\n", typ, id, res.Provision.ID, res.Provision.Status)
		for _, d := range res.Derived {
			fmt.Fprintf(w, "  %s\n", d.What)
		}
		return nil
	}
	var res api.ConsultationResult
	if err := json.Unmarshal(b, &res); err != nil {
		return accord.Errorf(accord.EINVALID, "%s answered something other than a consultation: %v", redact.URL(f.server), err)
	}
	c := res.Consultation
	fmt.Fprintf(w, "%s %q recorded", typ, id)
	if res.SubmissionEntry != nil {
		fmt.Fprintf(w, " as ledger entry %d", *res.SubmissionEntry)
	}
	fmt.Fprintf(w, "; consultation %s is at stage %s", c.ID, c.Stage)
	if c.Outcome != "" {
		fmt.Fprintf(w, " (%s)", c.Outcome)
	}
	fmt.Fprintln(w)
	for _, s := range res.Pending {
		fmt.Fprintf(w, "  signed by %s: %s\n", s.Guarantor, s.Outcome)
	}
	for _, d := range res.Derived {
		fmt.Fprintf(w, "  %s\n", d.What)
	}
	return nil
}

// firstOf is the first non-empty string.
func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// readAuthorKey reads an author's private ed25519 key: the first line of
// a file, the base64 64-byte key 'accord ledger keygen --author' prints
// (seed and public key). A line of 32 bytes is refused: it is as likely the
// public key (keygen's second line) as a seed, and a submission signed
// with a public key taken for a seed would be refused by the server and
// recorded so. A second line, when there is one, must be the key's public
// half.
func readAuthorKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &accord.Error{Code: accord.ENOTFOUND, Message: "key", Err: err}
	}
	first, rest, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(first))
	switch {
	case err != nil:
		return nil, accord.Errorf(accord.EINVALID, "%s: the first line is not base64: want the ed25519 private key 'accord ledger keygen --author' prints first", path)
	case len(k) == ed25519.SeedSize:
		return nil, accord.Errorf(accord.EINVALID, "%s: the first line is 32 bytes, a public key or a bare seed: want the 64-byte private key 'accord ledger keygen --author' prints first", path)
	case len(k) != ed25519.PrivateKeySize:
		return nil, accord.Errorf(accord.EINVALID, "%s: the first line is %d bytes: want the 64-byte ed25519 private key 'accord ledger keygen --author' prints first", path, len(k))
	}
	key := ed25519.PrivateKey(k)
	pub := key.Public().(ed25519.PublicKey)
	if !pub.Equal(ed25519.NewKeyFromSeed(key.Seed()).Public()) {
		return nil, accord.Errorf(accord.EINVALID, "%s: a damaged private key (its public half is not its seed's)", path)
	}
	if second, _, _ := strings.Cut(rest, "\n"); strings.TrimSpace(second) != "" {
		if p, err := base64.StdEncoding.DecodeString(strings.TrimSpace(second)); err != nil || !pub.Equal(ed25519.PublicKey(p)) {
			return nil, accord.Errorf(accord.EINVALID, "%s: the second line is not the first line's public key", path)
		}
	}
	return key, nil
}
