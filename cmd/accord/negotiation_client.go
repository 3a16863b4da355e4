package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/internal/reach"
	"github.com/accord-peace/accord/internal/redact"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/talks"
)

// talksClient calls a server's negotiation routes with a bearer token: the
// 'accord negotiation' commands and the demo's negotiation go through it,
// one path.
type talksClient struct {
	server, token string
	header        http.Header    // more headers to send (a signed submission's)
	timeout       *clientTimeout // the command's --timeout (nil: the default)
}

// call sends a request (body marshalled as JSON when not nil) and decodes
// a 200 or 201 answer into into; any other answer is the server's error,
// its code and message kept.
func (c *talksClient) call(ctx context.Context, method, path string, body, into any) ([]byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(c.server, "/")+path, r)
	if err != nil {
		return nil, accord.Errorf(accord.EINVALID, "--server %q: %v", redact.URL(c.server), err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	hc, err := c.timeout.client()
	if err != nil {
		return nil, err
	}
	resp, err := reach.Do(hc, req, redact.URL(c.server))
	if err != nil {
		return nil, err // could not be reached (exit 3), or sent with no answer
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		var e api.ErrorBody
		if json.Unmarshal(b, &e) != nil || e.Message == "" {
			return nil, accord.Errorf(accord.EINVALID, "%s %s: %s", method, path, resp.Status)
		}
		err := &accord.Error{Code: e.Code, Message: e.Message}
		if resp.StatusCode < 500 {
			return nil, refused{err}
		}
		return nil, err
	}
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			return nil, accord.Errorf(accord.EINVALID, "%s %s: the server answered something unexpected: %v", method, path, err)
		}
	}
	return b, nil
}

// refused is the server's answer refusing a request (a 4xx and its error):
// the server kept nothing of it — unlike a request whose answer was lost,
// or a server that failed, which may have recorded it.
type refused struct{ err *accord.Error }

func (r refused) Error() string { return r.err.Error() }
func (r refused) Unwrap() error { return r.err }

func negPath(id string, rest ...string) string {
	p := "/v1/negotiations/" + url.PathEscape(id)
	for _, r := range rest {
		p += "/" + r
	}
	return p
}

// open opens a negotiation on its public part (the mediator's token).
func (c *talksClient) open(ctx context.Context, o mediation.Opening) (mediation.Summary, []byte, error) {
	var s mediation.Summary
	b, err := c.call(ctx, http.MethodPost, "/v1/negotiations", o, &s)
	return s, b, err
}

// draft puts a text on the table (the mediator's token).
func (c *talksClient) draft(ctx context.Context, id string, d mediation.DraftRequest) (talks.MediatorRound, []byte, error) {
	var r talks.MediatorRound
	b, err := c.call(ctx, http.MethodPost, negPath(id, "drafts"), d, &r)
	return r, b, err
}

// propose previews the text accord would propose (the mediator's token).
func (c *talksClient) propose(ctx context.Context, id, method string) (talks.Proposal, []byte, error) {
	var p talks.Proposal
	path := negPath(id, "proposal")
	if method != "" {
		path += "?method=" + url.QueryEscape(method)
	}
	b, err := c.call(ctx, http.MethodGet, path, nil, &p)
	return p, b, err
}

// mediatorView is the mediator's view of a negotiation.
func (c *talksClient) mediatorView(ctx context.Context, id string) (talks.MediatorView, error) {
	var v talks.MediatorView
	_, err := c.call(ctx, http.MethodGet, negPath(id), nil, &v)
	return v, err
}

// partyView is a party's own view of a negotiation.
func (c *talksClient) partyView(ctx context.Context, id string) (talks.PartyView, error) {
	var v talks.PartyView
	_, err := c.call(ctx, http.MethodGet, negPath(id), nil, &v)
	return v, err
}

// signer signs a party's submissions with its key.
type signer struct {
	party string
	key   ed25519.PrivateKey
}

func (s signer) sign(sub ledger.Submission) (ledger.Submission, error) {
	return ledger.Sign(s.key, s.party, sub.ID, sub.Type, sub.Body)
}

// submit seals a party's content (mediation.Seal: a fresh salt, the
// commitment in the signed event) and posts it to its route.
//
// keep, when not nil, is given the sealed submission before it is posted:
// a party keeps its salt before the server has the commitment.
func (c *talksClient) submit(ctx context.Context, s signer, e talks.Event, content []byte, keep func(mediation.Submitted) error) (mediation.Result, mediation.Submitted, []byte, error) {
	e.Party = s.party
	b := make([]byte, 8)
	rand.Read(b)
	x, err := mediation.Seal(s.sign, e, e.Type+"-"+hex.EncodeToString(b), content)
	if err != nil {
		return mediation.Result{}, x, nil, err
	}
	if keep != nil {
		if err := keep(x); err != nil {
			return mediation.Result{}, x, nil, err
		}
	}
	route := map[string]string{talks.TypePosition: "positions", talks.TypeAnswer: "answers", talks.TypeRequest: "requests"}[e.Type]
	var res mediation.Result
	raw, err := c.call(ctx, http.MethodPost, negPath(e.Negotiation, route), x, &res)
	return res, x, raw, err
}

// position submits the next version of a party's position: the version
// is the party's count of versions plus one (its own view says). keep,
// when not nil, is given what reveals the version — its content and salt
// — before the submission is posted.
func (c *talksClient) position(ctx context.Context, s signer, id string, content []byte, keep func(mediation.Revealed) error) (mediation.Result, mediation.Revealed, []byte, error) {
	v, err := c.partyView(ctx, id)
	if err != nil {
		return mediation.Result{}, mediation.Revealed{}, nil, err
	}
	version := len(v.Positions) + 1
	if s.party != v.Party { // another's token, or the mediator's: the server refuses it
		version = 1
	}
	var rev mediation.Revealed
	reveal := func(x mediation.Submitted) error {
		var ev talks.Event
		json.Unmarshal(x.Submission.Body, &ev)
		rev = mediation.Revealed{Negotiation: id, Party: s.party, Version: version, Commitment: ev.Commitment, Salt: x.Salt, Content: x.Content}
		if keep != nil {
			return keep(rev)
		}
		return nil
	}
	res, _, raw, err := c.submit(ctx, s, talks.Event{Type: talks.TypePosition, Negotiation: id, Version: version}, content, reveal)
	return res, rev, raw, err
}

// answer submits a party's answer to a round's draft.
func (c *talksClient) answer(ctx context.Context, s signer, id string, round int, a talks.Answer) (mediation.Result, []byte, error) {
	content, _ := json.Marshal(a)
	res, _, raw, err := c.submit(ctx, s, talks.Event{Type: talks.TypeAnswer, Negotiation: id, Round: round}, content, nil)
	return res, raw, err
}

// request asks the mediator to evaluate a text for the party, in the round
// on the table.
func (c *talksClient) request(ctx context.Context, s signer, id string, text map[string]string) (mediation.Result, []byte, error) {
	v, err := c.partyView(ctx, id)
	if err != nil {
		return mediation.Result{}, nil, err
	}
	content, _ := json.Marshal(talks.Request{Text: text})
	res, _, raw, err := c.submit(ctx, s, talks.Event{Type: talks.TypeRequest, Negotiation: id, Round: len(v.Rounds)}, content, nil)
	return res, raw, err
}

// serverExits is what a client command's help says of its exit: the
// server's answer told from a server that could not be reached
// (internal/reach), as main maps them.
const serverExits = `Exit 0 when done; 1 when the server refuses the request or answers an
error (its message said), or when a request that changes something was
sent and no answer came back, or its answer stopped in its middle (it may
have been done: look at the record before sending it again); 3 when the
server could not be reached (connection refused, host not found, no
connection in time), or a request that only reads got no answer, or an
answer that stopped (the message says which): nothing was done, and a
later run may succeed.

--timeout (default 30s, or $ACCORD_TIMEOUT) bounds each wait for the
server: to connect (the dial, the TLS handshake), for it to take more of
the request while it is sent, for its answer once the request is sent,
and for more of the answer while it comes. There is no
limit on the whole: a long answer is read while its bytes keep coming.`

// serverFlagUsage is the --server flag's usage in the client commands.
const serverFlagUsage = "the server's URL (exit 3 when it cannot be reached)"

// negotiationFlags are what every 'accord negotiation' command needs.
type negotiationFlags struct {
	server, token, format string
	json                  bool
	timeout               clientTimeout
}

func (f *negotiationFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.server, "server", "http://127.0.0.1:8080", serverFlagUsage)
	c.Flags().StringVar(&f.token, "token", "", "the bearer token: the mediator's, or the party's own (default $ACCORD_TOKEN)")
	f.timeout.register(c)
	registerFormat(c, &f.format, &f.json, "print the server's answer as JSON (--output-format json)")
}

// registerFormat adds --output-format text|json and --json, checked
// before the command runs.
func registerFormat(c *cobra.Command, format *string, asJSON *bool, usage string) {
	c.Flags().StringVar(format, "output-format", "", "what to print: text or json (default text)")
	c.Flags().BoolVar(asJSON, "json", false, usage)
	_ = c.RegisterFlagCompletionFunc("output-format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	c.PreRunE = func(c *cobra.Command, args []string) error {
		f, err := summaryFormat(c, *format, *asJSON)
		*asJSON = f == "json"
		return err
	}
}

func (f *negotiationFlags) client() *talksClient {
	return &talksClient{server: f.server, token: firstOf(f.token, os.Getenv("ACCORD_TOKEN")), timeout: &f.timeout}
}

// partyFlags are a party's signing flags.
type partyFlags struct {
	author, keyFile string
}

func (p *partyFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&p.author, "author", "", "the party that signs (required): its token's actor")
	c.Flags().StringVar(&p.keyFile, "key", "", "the party's private key: a file whose first line is the base64 ed25519 key 'accord ledger keygen --author' prints (required)")
}

func (p *partyFlags) signer(cmd *cobra.Command) (signer, error) {
	if p.author == "" || p.keyFile == "" {
		return signer{}, usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--author and --key are required")}
	}
	k, err := readAuthorKey(p.keyFile)
	if err != nil {
		return signer{}, err
	}
	return signer{party: p.author, key: k}, nil
}

// agreement fetches the agreement draft a concluded negotiation's package
// compiles to (YAML), and its SHA-256: what the parties sign.
func (c *talksClient) agreement(ctx context.Context, id string) ([]byte, string, error) {
	b, err := c.call(ctx, http.MethodGet, negPath(id, "agreement"), nil, nil)
	if err != nil {
		return nil, "", err
	}
	h := sha256.Sum256(b)
	return b, hex.EncodeToString(h[:]), nil
}

// sign records a veto party's signature of the agreement draft whose
// SHA-256 is sha; the last one puts the agreement in force.
func (c *talksClient) sign(ctx context.Context, s signer, id, sha string) (talks.PartyView, []byte, error) {
	b := make([]byte, 8)
	rand.Read(b)
	sub, err := ledger.NewSubmission(s.party, "sign-"+hex.EncodeToString(b), talks.TypeSigned,
		talks.Event{Type: talks.TypeSigned, Negotiation: id, Party: s.party, Agreement: sha})
	if err != nil {
		return talks.PartyView{}, nil, err
	}
	if sub, err = s.sign(sub); err != nil {
		return talks.PartyView{}, nil, err
	}
	var v talks.PartyView
	raw, err := c.call(ctx, http.MethodPost, negPath(id, "signatures"), sub, &v)
	return v, raw, err
}
