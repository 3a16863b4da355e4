package mediation

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/scenarios"
	"github.com/accord-peace/accord/sqlite"
	"github.com/accord-peace/accord/synth"
	"github.com/accord-peace/accord/talks"

	"github.com/accord-peace/accord/internal/cputime"
)

// The issue's budget for a round — "all positions decrypted, next draft
// computed, views published" — is 100 ms p99 on the reference negotiation
// and 1 s on 20 issues × 5 options × 6 parties. Each benchmark runs a round
// on a fresh copy of a mediation on disk (a real ledger and SQLite store)
// where round 1 is on the table, every position submitted, signed, and
// every party's answer to round 1 submitted (each timed on its own: the
// parties' requests, answer-p50-ms and answer-p99-ms):
//
//   - warm: the mediation is open (positions decrypted in memory, the
//     views of round 1 served once); the round — the mediator's bridge
//     draft, every view marshalled to JSON — is timed.
//   - cold: mediation.Open replaying the record from disk, every position
//     and answer decrypted with age from SQLite, then the round; both
//     timed.
//
// The peer, timed in the same iterations, is the analysis alone on the
// joined scenario: negotiate.Compile, the bridge from round 1's text and
// the evaluation of the text it proposes. Metrics: p50-ms and p99-ms of
// the round (cpu-: its CPU time), peer-p50-ms, and x-peer = round p50 /
// peer p50.
func BenchmarkRound(b *testing.B) {
	for _, c := range []func(*testing.B) roundCase{referenceCase, generatedCase} {
		b.Run(c(b).name, func(b *testing.B) {
			tpl := newRoundTemplate(b, c(b))
			b.Run("warm", func(b *testing.B) { tpl.bench(b, false) })
			b.Run("cold", func(b *testing.B) { tpl.bench(b, true) })
		})
	}
}

// roundCase is a negotiation to run a round of: a whole scenario (split
// into its public part and positions) and the proposal the mediator puts
// on the table as round 1.
type roundCase struct {
	name    string
	whole   *accord.Scenario
	opening string
}

func referenceCase(b *testing.B) roundCase {
	data, err := scenarios.FS.ReadFile(scenarios.ReferenceScenario)
	if err != nil {
		b.Fatal(err)
	}
	s, err := scenario.Parse("reference", data)
	if err != nil {
		b.Fatal(err)
	}
	return roundCase{name: "reference", whole: s, opening: "us-28-points"}
}

// generatedConfig is the generated negotiation: accord generate --issues
// 20 --options 5 --parties 6 --seed 1 (every party a veto party, slack 8).
var generatedConfig = synth.Config{Issues: 20, Options: 5, Parties: 6, Seed: 1}

// generatedCase is the generated scenario with one proposal added to its
// public part, "opening": option o0 on every issue, complete so that the
// bridge applies, and refused by some veto party so that the round does
// not conclude. Its acceptable set is checked non-empty.
func generatedCase(b *testing.B) roundCase {
	s := synth.Generate(generatedConfig)
	p := accord.Proposal{ID: "opening", Title: "Option o0 on every issue", Choices: map[string]string{}}
	for _, is := range s.Issues {
		p.Choices[is.ID] = is.Options[0].ID
	}
	s.Proposals = append(s.Proposals, p)
	m := negotiate.Compile(s)
	if sol, err := m.Solve(negotiate.ConceptUtilitarian, negotiate.Options{}); err != nil || sol == nil {
		b.Fatalf("the generated scenario's acceptable set is empty: %v", err)
	}
	if m.Evaluate(&p).AcceptedByVeto {
		b.Fatal("the generated opening is acceptable to all: the round would conclude")
	}
	return roundCase{name: fmt.Sprintf("%dx%dx%d", generatedConfig.Issues, generatedConfig.Options, generatedConfig.Parties), whole: s, opening: p.ID}
}

// roundTemplate is a mediation on disk with round 1 on the table, and
// every party's answer to it, sealed and signed (the parties' work, done
// once: each iteration replays them on a fresh copy).
type roundTemplate struct {
	c       roundCase
	dir     string
	reg     *ledger.Registry
	id      string
	parties []string // non-veto parties first: their answers come before the round closes
	answers map[string]Submitted
	text    map[string]string // round 1's
}

func newRoundTemplate(b *testing.B, c roundCase) *roundTemplate {
	ctx := context.Background()
	t := &roundTemplate{c: c, dir: b.TempDir(), reg: &ledger.Registry{Keys: map[string]ed25519.PublicKey{}}, id: c.whole.ID, answers: map[string]Submitted{}}
	keys := map[string]ed25519.PrivateKey{}
	for _, veto := range []bool{false, true} {
		for _, p := range c.whole.Parties {
			if p.Veto == veto {
				t.parties = append(t.parties, p.ID)
			}
		}
	}
	for _, p := range t.parties {
		pk, sk, _ := ed25519.GenerateKey(rand.Reader)
		keys[p], t.reg.Keys[p] = sk, pk
	}
	seal := func(party string, e talks.Event, content []byte) Submitted {
		e.Party, e.Negotiation = party, t.id
		x, err := Seal(func(s ledger.Submission) (ledger.Submission, error) {
			return ledger.Sign(keys[party], s.Author, s.ID, s.Type, s.Body)
		}, e, fmt.Sprintf("%s-%d", e.Type, e.Round), content)
		if err != nil {
			b.Fatal(err)
		}
		return x
	}
	pub, positions, err := scenario.Split(c.whole)
	if err != nil {
		b.Fatal(err)
	}
	m, closeAll := t.open(b, t.dir)
	if _, err := m.OpenNegotiation(ctx, "mediator", Opening{Public: string(pub)}); err != nil {
		b.Fatal(err)
	}
	for _, p := range t.parties {
		if _, err := m.Submit(ctx, p, seal(p, talks.Event{Type: talks.TypePosition, Version: 1}, positions[p])); err != nil {
			b.Fatal(err)
		}
	}
	r, err := m.Draft(ctx, "mediator", t.id, DraftRequest{Proposal: c.opening})
	if err != nil {
		b.Fatal(err)
	}
	if !r.Complete || r.AcceptableToAll {
		b.Fatalf("round 1: complete %v, acceptable to all %v: want a complete text some veto party refuses", r.Complete, r.AcceptableToAll)
	}
	t.text = r.Text
	for _, p := range t.parties {
		a, _ := json.Marshal(talks.Respond(c.whole, p, c.whole.Positions[p], r.Text))
		t.answers[p] = seal(p, talks.Event{Type: talks.TypeAnswer, Round: 1}, a)
	}
	closeAll()
	return t
}

// open opens the mediation kept in dir.
func (t *roundTemplate) open(tb testing.TB, dir string) (*Mediation, func()) {
	ctx := context.Background()
	led, err := ledger.OpenLedger(filepath.Join(dir, "ledger"), t.reg)
	if err != nil {
		tb.Fatal(err)
	}
	db, err := sqlite.Open(ctx, filepath.Join(dir, "accord.db"))
	if err != nil {
		tb.Fatal(err)
	}
	key, err := LoadKey(filepath.Join(dir, "mediation.key"))
	if err != nil {
		tb.Fatal(err)
	}
	m, err := Open(ctx, Config{Ledger: led, Store: sqlite.NewConfidentialStore(db), Key: key})
	if err != nil {
		tb.Fatal(err)
	}
	return m, func() { led.Close(); db.Close() }
}

// answer submits every party's answer to round 1, each timed.
func (t *roundTemplate) answer(tb testing.TB, m *Mediation, lat *latencies) {
	for _, p := range t.parties {
		start := time.Now()
		if _, err := m.Submit(context.Background(), p, t.answers[p]); err != nil {
			tb.Fatal(err)
		}
		*lat = append(*lat, time.Since(start))
	}
}

// round is the unit measured: the mediator's bridge draft (accord
// proposes it from every position), the mediator's and every party's view
// marshalled to JSON.
func (t *roundTemplate) round(tb testing.TB, m *Mediation) {
	ctx := context.Background()
	r, err := m.Draft(ctx, "mediator", t.id, DraftRequest{Method: talks.MethodBridge})
	if err != nil {
		tb.Fatal(err)
	}
	if r.Round != 2 || !r.AcceptableToAll {
		tb.Fatalf("round %d, acceptable to all %v", r.Round, r.AcceptableToAll)
	}
	t.publish(tb, m)
}

// publish marshals every view of the negotiation, as the server serves
// them.
func (t *roundTemplate) publish(tb testing.TB, m *Mediation) {
	for _, actor := range append([]string{"mediator"}, t.parties...) {
		v, err := m.View(t.id, actor)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := json.Marshal(v); err != nil {
			tb.Fatal(err)
		}
	}
}

// peer is the analysis alone on the joined scenario: the model compiled,
// the bridge from round 1's text, the evaluation of its package.
func (t *roundTemplate) peer(tb testing.TB) {
	m := negotiate.Compile(t.c.whole)
	br := m.BridgeProposal(&accord.Proposal{ID: "current", Choices: t.text}, negotiate.Options{})
	if br == nil {
		tb.Fatal("no bridge")
	}
	if !m.Evaluate(&accord.Proposal{ID: "next", Choices: br.Package}).AcceptedByVeto {
		tb.Fatal("the bridge's package is not acceptable to all")
	}
}

func (t *roundTemplate) bench(b *testing.B, cold bool) {
	var rounds, cpus, peers, answers latencies
	work := filepath.Join(b.TempDir(), "work")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		os.RemoveAll(work)
		if err := os.CopyFS(work, os.DirFS(t.dir)); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		t.peer(b)
		peers = append(peers, time.Since(start))
		m, closeAll := t.open(b, work)
		t.publish(b, m) // round 1's views, served before the answers come
		t.answer(b, m, &answers)
		if cold {
			closeAll()
		}
		b.StartTimer()
		start, cpu := time.Now(), cputime.Used()
		if cold {
			m, closeAll = t.open(b, work)
		}
		t.round(b, m)
		d, c := time.Since(start), cputime.Used()-cpu
		b.StopTimer()
		rounds, cpus = append(rounds, d), append(cpus, c)
		closeAll()
		b.StartTimer()
	}
	b.StopTimer()
	rounds.report(b, "")
	cpus.report(b, "cpu-")
	peers.report(b, "peer-")
	answers.report(b, "answer-")
	b.ReportMetric(rounds.quantile(0.5).Seconds()/peers.quantile(0.5).Seconds(), "x-peer")
}

// latencies are per-iteration durations.
type latencies []time.Duration

// quantile is the nearest-rank q-quantile.
func (l latencies) quantile(q float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))]
}

// report reports the p50 and p99 in milliseconds.
func (l latencies) report(b *testing.B, prefix string) {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(l.quantile(0.5)), prefix+"p50-ms")
	b.ReportMetric(ms(l.quantile(0.99)), prefix+"p99-ms")
}
