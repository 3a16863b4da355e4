package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/scenarios"
	"github.com/accord-peace/accord/talks"
)

// talksMediator is the mediator's actor in the reference negotiation.
const talksMediator = "mediator"

// talksCast is the reference negotiation's cast: its public part, each
// party's confidential position, the parties' keys and every caller's
// token, written to a directory as a server and the CLI read them
// (tokens.json, keys.json, PARTY.key, PARTY.token, mediator.token).
type talksCast struct {
	dir       string
	public    []byte
	scenario  *accord.Scenario // the public part
	positions map[string][]byte
	keys      map[string]ed25519.PrivateKey
	tokens    map[string]string // actor -> token
}

// newTalksCast reads the embedded reference split and makes fresh keys
// and tokens in dir.
func newTalksCast(dir string) (*talksCast, error) {
	c := &talksCast{dir: dir, positions: map[string][]byte{}, keys: map[string]ed25519.PrivateKey{}, tokens: map[string]string{}}
	var err error
	if c.public, err = scenarios.FS.ReadFile(scenarios.TalksPublic); err != nil {
		return nil, err
	}
	if c.scenario, err = scenario.ParsePublic(scenarios.TalksPublic, c.public); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, &accord.Error{Code: accord.EINVALID, Message: "negotiation directory " + dir, Err: err}
	}
	pubKeys := map[string]string{}
	tokens := map[string]map[string]string{}
	newToken := func(actor, role string) string {
		b := make([]byte, 16)
		rand.Read(b)
		t := hex.EncodeToString(b)
		c.tokens[actor] = t
		tokens[t] = map[string]string{"actor": actor, "role": role}
		return t
	}
	for _, p := range c.scenario.Parties {
		if c.positions[p.ID], err = scenarios.FS.ReadFile(path.Join(scenarios.TalksPositions, p.ID+".yaml")); err != nil {
			return nil, err
		}
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		c.keys[p.ID] = priv
		pubKeys[p.ID] = base64.StdEncoding.EncodeToString(pub)
		key := base64.StdEncoding.EncodeToString(priv) + "\n" + pubKeys[p.ID] + "\n"
		if err := os.WriteFile(filepath.Join(dir, p.ID+".key"), []byte(key), 0o600); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, p.ID+".token"), []byte(newToken(p.ID, accord.RoleParty)+"\n"), 0o600); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, talksMediator+".token"), []byte(newToken(talksMediator, accord.RoleMediator)+"\n"), 0o600); err != nil {
		return nil, err
	}
	for name, v := range map[string]any{"keys.json": pubKeys, "tokens.json": tokens} {
		b, _ := json.MarshalIndent(v, "", "  ")
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *talksCast) tokensFile() string { return filepath.Join(c.dir, "tokens.json") }
func (c *talksCast) revealFile(party string, version int) string {
	return filepath.Join(c.dir, fmt.Sprintf("%s.v%d.reveal.json", party, version))
}
func (c *talksCast) keysFile() string { return filepath.Join(c.dir, "keys.json") }

// vetoParties are the parties whose answers close a round.
func (c *talksCast) vetoParties() []string {
	var out []string
	for _, p := range c.scenario.Parties {
		if p.Veto {
			out = append(out, p.ID)
		}
	}
	return out
}

// respond is how an honest party answers a text: on its own position
// alone (talks.Respond).
func (c *talksCast) respond(party string, text map[string]string) (talks.Answer, error) {
	_, pos, err := scenario.ParsePosition(c.scenario, party+"'s position", c.positions[party])
	if err != nil {
		return talks.Answer{}, err
	}
	return talks.Respond(c.scenario, party, pos, text), nil
}

// talksOutcome is what the reference negotiation ends with.
type talksOutcome struct {
	Negotiation string
	Rounds      int
	Conclusion  *talks.Conclusion
	Agreement   *agreement.Agreement          // the draft the server compiled, as the parties signed it
	InForce     *time.Time                    // when the last signature put it in force
	Reveals     map[string]mediation.Revealed // each party's version 1, with its salt
}

// negotiateReference drives the reference negotiation round by round over
// HTTP, on the routes the CLI calls: the mediator opens it, the five
// parties submit their positions, the mediator tables the 28-point plan,
// the veto parties answer on their own positions, the mediator tables
// accord's bridge, they answer again, until every veto party accepts. Each
// round is told as the mediator sees it; the concluded package is
// compiled to an agreement draft.
func negotiateReference(ctx context.Context, url string, c *talksCast, out io.Writer) (*talksOutcome, error) {
	med := &talksClient{server: url, token: c.tokens[talksMediator]}
	party := func(p string) *talksClient { return &talksClient{server: url, token: c.tokens[p]} }
	s, _, err := med.open(ctx, mediation.Opening{Public: string(c.public)})
	if err != nil {
		return nil, fmt.Errorf("opening the negotiation: %w", err)
	}
	id := s.ID
	o := &talksOutcome{Negotiation: id, Reveals: map[string]mediation.Revealed{}}
	fmt.Fprintf(out, "negotiation %s opened by the %s: %d parties, each with a confidential position\n", id, talksMediator, len(s.Parties))
	for _, p := range s.Parties {
		keep := func(rev mediation.Revealed) error { return writeReveal(c.revealFile(p, rev.Version), rev) }
		_, rev, _, err := party(p).position(ctx, signer{party: p, key: c.keys[p]}, id, c.positions[p], keep)
		if err != nil {
			return nil, fmt.Errorf("%s's position: %w", p, err)
		}
		o.Reveals[p] = rev
		fmt.Fprintf(out, "  %-6s position v%d committed: %s…\n", p, rev.Version, rev.Commitment[:16])
	}
	drafts := []mediation.DraftRequest{{Proposal: "us-28-points"}, {Method: talks.MethodBridge}, {Method: talks.MethodBridge}, {Method: talks.MethodCommon}}
	var prev map[string]string
	for _, d := range drafts {
		r, _, err := med.draft(ctx, id, d)
		if err != nil {
			return nil, fmt.Errorf("draft: %w", err)
		}
		for _, p := range c.vetoParties() {
			v, err := party(p).partyView(ctx, id)
			if err != nil {
				return nil, err
			}
			a, err := c.respond(p, v.Rounds[r.Round-1].Text)
			if err != nil {
				return nil, err
			}
			if _, _, err := party(p).answer(ctx, signer{party: p, key: c.keys[p]}, id, r.Round, a); err != nil {
				return nil, fmt.Errorf("%s's answer to round %d: %w", p, r.Round, err)
			}
		}
		mv, err := med.mediatorView(ctx, id)
		if err != nil {
			return nil, err
		}
		round := mv.Rounds[len(mv.Rounds)-1]
		if d.Proposal != "" {
			fmt.Fprintf(out, "the mediator tables proposal %s\n", d.Proposal)
		} else {
			fmt.Fprintf(out, "the mediator tables accord's %s text\n", d.Method)
		}
		writeMediatorRound(out, round, prev)
		prev = round.Text
		o.Rounds = round.Round
		if mv.Concluded != nil {
			o.Conclusion = mv.Concluded
			break
		}
	}
	if o.Conclusion == nil {
		return o, fmt.Errorf("negotiation %s: no conclusion after %d rounds", id, o.Rounds)
	}
	writeConclusion(out, o.Conclusion)
	y, sha, err := med.agreement(ctx, id)
	if err != nil {
		return o, fmt.Errorf("the agreement draft: %w", err)
	}
	if o.Agreement, err = agreement.Parse("negotiation "+id+" agreement", y); err != nil {
		return o, fmt.Errorf("the agreement draft: %w", err)
	}
	fmt.Fprintf(out, "the package compiled to the agreement draft %s (SHA-256 %s…): %d provisions, for %v to sign\n",
		o.Agreement.ID, sha[:16], len(o.Agreement.Provisions), o.Agreement.Parties)
	for _, p := range o.Agreement.Parties {
		v, _, err := party(p).sign(ctx, signer{party: p, key: c.keys[p]}, id, sha)
		if err != nil {
			return o, fmt.Errorf("%s's signature: %w", p, err)
		}
		if a := v.Agreement; a.InForce != nil {
			o.InForce = a.InForce
			fmt.Fprintf(out, "every party signed: the agreement is in force since %s", instant(*a.InForce))
			if a.Engine != nil {
				fmt.Fprintf(out, "; its engine counts %d provisions, %d phases", len(a.Engine.Provisions), len(a.Engine.Phases))
			}
			fmt.Fprintln(out)
		}
	}
	return o, nil
}

// parties lists a cast's parties in order.
func (c *talksCast) parties() []string {
	var out []string
	for _, p := range c.scenario.Parties {
		out = append(out, p.ID)
	}
	return out
}
