package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/sim"
)

// story drives a ceasefire's story into a running server over its public
// routes, one path per job, as a real deployment would: the mission posts
// the sensor network's observations (POST /v1/observations), the parties
// answer the notices (POST /v1/consultations/{id}/response) and record the
// provisions they carry out (POST /v1/provisions/{id}/done), the
// guarantors sign findings (POST /v1/consultations/{id}/finding), and
// everything is read back from GET /v1/agreement. Every decision depends on
// the seed and the simulated clock only, never on the wall clock, so a
// seed tells the same story at any speed.
type story struct {
	url  string
	sim  sim.Config // for the breach
	obs  []sim.Observation
	seed uint64
	// busy and quiet are the real time a simulated hour takes while
	// violations are being handled and while all is calm (0: no pause).
	busy, quiet time.Duration
	out         io.Writer

	// The story's progress, on the simulated clock.
	seen      map[string]time.Time // consultation → when its notice was seen
	disputed  map[string]time.Time // consultation → when it went to the guarantors
	acted     map[string]bool
	permanent time.Time // when the permanent phase opened (zero: not yet)
	breach    bool
	ended     time.Time // when the snapback took effect
	sent      int       // the observations posted so far
	exchanged int       // the prisoner exchanges recorded so far (storyExchanges)
	provs     []storyProvision
	// Hours told at the busy and at the calm pace.
	busyHours, calmHours int
}

// storyProvision is a provision a party records done on a day of the
// story.
type storyProvision struct {
	id, party string
	day       int
	done      bool
}

// storyParty is the party the snapback falls on and the guarantors who
// sign findings.
const storyParty = "ru"

var storyGuarantors = []string{"eu", "us"}

// agreementView is what the story reads of each agreement of GET
// /v1/agreements (the main one first).
type agreementView struct {
	ID         string    `json:"id"`
	Guarantors []string  `json:"guarantors"`
	Now        time.Time `json:"now"`
	Phases     []struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"phases"`
	Consultations []struct {
		ID, Party, Severity, Stage string
	} `json:"consultations"`
	Tranches []struct{ ID, Status string } `json:"tranches"`
	Snapback *struct {
		Cause     string     `json:"cause"`
		Effective bool       `json:"effective"`
		LiftedAt  *time.Time `json:"lifted_at"`
	} `json:"snapback"`
}

// storyFits says why the story cannot be told on an agreement, if it
// cannot: it is written for the reference agreement's provisions, phase,
// relief and snapback.
func storyFits(a *agreement.Agreement) error {
	var missing []string
	for _, id := range []string{"heavy-weapons-withdrawal", "prisoner-exchange"} {
		if !slices.ContainsFunc(a.Provisions, func(p agreement.Provision) bool { return p.ID == id }) {
			missing = append(missing, "provision "+id)
		}
	}
	if !slices.ContainsFunc(a.Phases, func(p agreement.Phase) bool { return p.ID == "permanent" }) {
		missing = append(missing, "phase permanent")
	}
	if a.Enforcement == nil || !slices.Contains(a.Enforcement.SnapbackOn, storyParty) || len(a.Enforcement.Tranches) == 0 {
		missing = append(missing, "relief tranches with a snapback on "+storyParty)
	}
	for _, g := range storyGuarantors {
		if !slices.Contains(a.Guarantors(), g) {
			missing = append(missing, "guarantor "+g)
		}
	}
	if len(missing) > 0 {
		return accord.Errorf(accord.EINVALID, "the demo's story is written for the reference agreement; agreement %s has no %s (run it with --war)", a.ID, strings.Join(missing, ", no "))
	}
	return nil
}

func newStory(url string, cfg sim.Config, obs []sim.Observation, busy, quiet time.Duration, out io.Writer) *story {
	return &story{url: url, sim: cfg, obs: obs, seed: cfg.Seed, busy: busy, quiet: quiet, out: out,
		seen: map[string]time.Time{}, disputed: map[string]time.Time{}, acted: map[string]bool{},
		provs: []storyProvision{{id: "heavy-weapons-withdrawal", party: "ru", day: 10}, {id: "prisoner-exchange", party: "ua", day: 18}}}
}

// run tells the story hour by simulated hour until the snapback has taken
// effect and a day has passed, or the observations run out (an error: the
// story did not end).
func (s *story) run(ctx context.Context) error {
	if len(s.obs) == 0 {
		return fmt.Errorf("the story has no observations")
	}
	t0, err := time.Parse(time.RFC3339, s.obs[0].Properties.ReportedAt)
	if err != nil {
		return err
	}
	start := t0.Truncate(time.Hour)
	for now := start.Add(time.Hour); ; now = now.Add(time.Hour) {
		n := s.sent
		for n < len(s.obs) && s.obs[n].Properties.ReportedAt <= now.Format(time.RFC3339) {
			n++
		}
		if err := s.post(ctx, s.obs[s.sent:n]); err != nil {
			return err
		}
		s.sent = n
		all, err := s.agreements(ctx)
		if err != nil {
			return err
		}
		v := &all[0]
		busy, err := s.act(ctx, v, now, start)
		if err != nil {
			return err
		}
		for i := range all[1:] {
			b, err := s.actBeside(ctx, &all[1+i], now)
			if err != nil {
				return err
			}
			busy = busy || b
		}
		if len(all) > 1 {
			if err := s.exchange(ctx, now, start); err != nil {
				return err
			}
		}
		if busy {
			s.busyHours++
		} else {
			s.calmHours++
		}
		if !s.ended.IsZero() && now.Sub(s.ended) >= 24*time.Hour {
			s.say(now, "the end: %d simulated days, %d busy hours and %d calm ones", (s.busyHours+s.calmHours)/24, s.busyHours, s.calmHours)
			return nil
		}
		if s.sent == len(s.obs) {
			return fmt.Errorf("the story did not end: the observations ran out on %s with the phases %v and the snapback %v", now.Format(time.RFC3339), v.Phases, v.Snapback)
		}
		pause := s.quiet
		if busy {
			pause = s.busy
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
}

// act plays the parties and the guarantors at the simulated hour now and
// says whether anything is under way (the story then goes at its busy
// pace).
func (s *story) act(ctx context.Context, v *agreementView, now, start time.Time) (bool, error) {
	// A party answers between 2 and 20 hours after the notice.
	busy, err := s.consult(ctx, v, now, play{answerIn: 19, answer: s.answer, guarantors: storyGuarantors, finding: s.finding,
		evidence: "joint review of the monitors' sources"})
	if err != nil {
		return busy, err
	}
	for i := range s.provs {
		p := &s.provs[i]
		if !p.done && now.Sub(start) >= time.Duration(p.day)*24*time.Hour {
			if err := s.call(ctx, "/v1/provisions/"+p.id+"/done", map[string]string{"party": p.party}); err != nil {
				return busy, err
			}
			p.done = true
			s.say(now, "%s records provision %s done", p.party, p.id)
		}
	}
	if s.permanent.IsZero() {
		for _, p := range v.Phases {
			if p.ID == "permanent" && p.Status == "open" {
				s.permanent = now
				s.say(now, "phase permanent open: relief begins")
			}
		}
	}
	// The breach comes three days into the permanent phase.
	if !s.permanent.IsZero() && !s.breach && now.Sub(s.permanent) >= 72*time.Hour {
		b, ok, err := sim.Breach(s.sim, now, storyParty)
		if err != nil {
			return busy, err
		}
		if ok {
			s.breach = true
			s.obs = append(s.obs, b.Observations...)
			sort.SliceStable(s.obs, func(i, j int) bool { return s.obs[i].Properties.ReportedAt < s.obs[j].Properties.ReportedAt })
			s.say(now, "a breach: %s fires across the line (%d reports)", storyParty, len(b.Observations))
		}
		busy = true
	}
	if s.ended.IsZero() && v.Snapback != nil && v.Snapback.Effective {
		s.ended = now
		s.say(now, "snapback effective (violation %s): relief re-imposed", v.Snapback.Cause)
	}
	return busy, nil
}

// answer is a party's answer to a notice: the snapback party disputes
// every serious violation (it would bring the snapback), and a quarter of
// the other party's; every other notice is accepted.
func (s *story) answer(id, party, severity string) (string, string) {
	if severity == "minor" {
		return "accept", ""
	}
	if party == storyParty || s.pick(id, 4) == 0 {
		return "dispute", "our units held their positions: the fire came from an unidentified group (unit logs attached)"
	}
	return "accept", ""
}

// finding is the guarantors' outcome: once the permanent phase is open a
// serious violation by the snapback party is upheld (the breach); before,
// the evidence is weighed — a third dismissed, the rest inconclusive for
// the snapback party, dismissed for the other.
func (s *story) finding(id, party, severity string) string {
	switch {
	case party == storyParty && severity != "minor" && !s.permanent.IsZero():
		return "upheld"
	case party == storyParty && s.pick(id, 3) != 0:
		return "inconclusive"
	}
	return "dismissed"
}

// pick is a number in [0, n) from the seed and an id.
func (s *story) pick(id string, n int) int {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s", s.seed, id)
	return int(h.Sum64() % uint64(n))
}

func (s *story) say(now time.Time, format string, args ...any) {
	fmt.Fprintf(s.out, "%s  %s\n", instant(now), fmt.Sprintf(format, args...))
}

// post sends observations in one batch.
func (s *story) post(ctx context.Context, obs []sim.Observation) error {
	if len(obs) == 0 {
		return nil
	}
	var buf bytes.Buffer
	for i := range obs {
		b, _ := json.Marshal(&obs[i])
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return s.do(ctx, "POST", "/v1/observations", "application/x-ndjson", &buf, nil)
}

// call posts a JSON body.
func (s *story) call(ctx context.Context, path string, body any) error {
	b, _ := json.Marshal(body)
	return s.do(ctx, "POST", path, "application/json", bytes.NewReader(b), nil)
}

// agreements reads every agreement the server runs, the main one first.
func (s *story) agreements(ctx context.Context) ([]agreementView, error) {
	var v struct {
		Agreements []agreementView `json:"agreements"`
	}
	if err := s.do(ctx, "GET", "/v1/agreements", "", nil, &v); err != nil {
		return nil, err
	}
	if len(v.Agreements) == 0 {
		return nil, fmt.Errorf("GET /v1/agreements: no agreement")
	}
	return v.Agreements, nil
}

// actBeside plays the parties and the guarantors of an agreement run
// beside the main one (a functional agreement: the grain corridor, ...):
// its own consultation, apart from the main one's. The party a notice went
// to disputes it with its account, and the agreement's guarantors, a day
// later, uphold it: the breach is the simulator's, injected on purpose.
func (s *story) actBeside(ctx context.Context, v *agreementView, now time.Time) (bool, error) {
	return s.consult(ctx, v, now, play{agreement: v.ID, answerIn: 10,
		answer: func(string, string, string) (string, string) {
			return "dispute", "the master's log: a steering failure, the vessel returned to the lane (log attached)"
		},
		guarantors: v.Guarantors, finding: func(string, string, string) string { return "upheld" },
		evidence: "the tracks of two independent satellites"})
}

// play is how the story plays one agreement's consultations.
type play struct {
	// agreement prefixes what the story says ("" for the main agreement).
	agreement string
	// A party answers a notice 2 to 2+answerIn-1 hours after it, as answer
	// says; the guarantors sign a day after a dispute, finding's outcome,
	// with evidence.
	answerIn   int
	answer     func(id, party, severity string) (answer, evidence string)
	guarantors []string
	finding    func(id, party, severity string) string
	evidence   string
}

// consult plays the parties and the guarantors of one agreement's
// consultations at the simulated hour now and says whether any is under
// way.
func (s *story) consult(ctx context.Context, v *agreementView, now time.Time, p play) (bool, error) {
	say := func(format string, args ...any) {
		if p.agreement != "" {
			format, args = "%s: "+format, append([]any{p.agreement}, args...)
		}
		s.say(now, format, args...)
	}
	busy := false
	for _, c := range v.Consultations {
		switch c.Stage {
		case "notice":
			busy = true
			if _, ok := s.seen[c.ID]; !ok {
				s.seen[c.ID] = now
				if p.agreement != "" {
					say("violation %s (%s) notified to %s", c.ID, c.Severity, c.Party)
				}
			}
			if now.Sub(s.seen[c.ID]) < time.Duration(2+s.pick(c.ID, p.answerIn))*time.Hour {
				continue
			}
			answer, evidence := p.answer(c.ID, c.Party, c.Severity)
			body := map[string]string{"party": c.Party, "answer": answer}
			if evidence != "" {
				body["evidence"] = evidence
			}
			if err := s.call(ctx, "/v1/consultations/"+c.ID+"/response", body); err != nil {
				return busy, err
			}
			if answer == "dispute" {
				s.disputed[c.ID] = now
				say("%s disputes %s with evidence", c.Party, c.ID)
			}
		case "joint", "ministers", "advisory":
			busy = true
			if _, ok := s.disputed[c.ID]; !ok {
				s.disputed[c.ID] = now
			}
			if s.acted[c.ID] || now.Sub(s.disputed[c.ID]) < 24*time.Hour {
				continue
			}
			outcome := p.finding(c.ID, c.Party, c.Severity)
			for _, g := range p.guarantors {
				body := map[string]string{"guarantor": g, "outcome": outcome, "evidence": p.evidence}
				if err := s.call(ctx, "/v1/consultations/"+c.ID+"/finding", body); err != nil {
					return busy, err
				}
			}
			s.acted[c.ID] = true
			say("the guarantors %v find %s: %s", p.guarantors, c.ID, outcome)
		}
	}
	return busy, nil
}

// do makes one request; an answer other than 200 is an error naming the
// route and quoting the server.
func (s *story) do(ctx context.Context, method, path, ctype string, body io.Reader, into any) error {
	req, err := http.NewRequestWithContext(ctx, method, s.url+path, body)
	if err != nil {
		return err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(data)))
	}
	if into != nil {
		return json.Unmarshal(data, into)
	}
	return nil
}

// functionalStreams are the simulated observations of the functional
// agreements run beside the main one, from start, for the story to send
// with the front's: the grain corridor's vessels (an agreement with a
// corridor section) for its first days, the first outbound vessel leaving
// the lane — a breach the corridor's own consultation answers, without
// touching the other agreements —, and the nuclear plant's daily presence
// reports (an agreement with a presence duty), every day, no breach.
// Seeded: the same seed, the same stream.
func functionalStreams(as []*agreement.Agreement, start time.Time, days int, seed uint64) ([]sim.Observation, error) {
	var out []sim.Observation
	for _, a := range as {
		if a.Monitoring == nil {
			continue
		}
		if a.Monitoring.Corridor != nil {
			g := sim.DefaultGrain()
			g.Seed, g.Start, g.Duration = seed, start, 4*24*time.Hour
			g.Breach.Outside = true
			r, err := sim.GrainCorridor(g)
			if err != nil {
				return nil, fmt.Errorf("the grain corridor's stream: %w", err)
			}
			out = append(out, r.Observations...)
		}
		if len(a.Monitoring.Presence) > 0 {
			// The plant's team reports every day of the story (a day
			// without its report would be a breach of its own).
			p := sim.DefaultNuclearPlant()
			p.Seed, p.Start, p.Days = seed, start, days
			r, err := sim.NuclearPlant(p)
			if err != nil {
				return nil, fmt.Errorf("the nuclear plant's stream: %w", err)
			}
			out = append(out, r.Observations...)
		}
	}
	return out, nil
}

// withFunctional adds the functional agreements' streams to the front's,
// in arrival order.
func withFunctional(front []sim.Observation, as []*agreement.Agreement, seed uint64) ([]sim.Observation, error) {
	if len(front) == 0 || len(as) < 2 {
		return front, nil
	}
	t0, err := time.Parse(time.RFC3339, front[0].Properties.ObservedAt)
	if err != nil {
		return nil, err
	}
	t1, err := time.Parse(time.RFC3339, front[len(front)-1].Properties.ObservedAt)
	if err != nil {
		return nil, err
	}
	start := t0.Truncate(24 * time.Hour)
	days := int(t1.Sub(start)/(24*time.Hour)) + 1 // every day the front reports on
	extra, err := functionalStreams(as[1:], start, days, seed)
	if err != nil || len(extra) == 0 {
		return front, err
	}
	return sim.Combine(&sim.Result{Observations: front}, &sim.Result{Observations: extra}).Observations, nil
}

// storyExchanges are the prisoner exchanges the verifier attests in the
// story, by day, persons released by each side: the 1,000 for 1,000 agreed
// at Istanbul on 16 May 2025, carried out over three days (390, 307 and
// 303 a side, 23–25 May 2025), here from day 18; then a month later 300 a
// side, the exchange agreement's monthly quota (a judgement, in
// prisoner-exchange.yaml).
var storyExchanges = []struct{ day, persons int }{{18, 390}, {19, 307}, {20, 303}, {48, 300}}

// exchange records the exchanges due by now on an agreement with a
// verifier, as its verifier would (POST /v1/exchanges, unsigned: the
// story's server registers no keys): the counts public, the lists of
// persons — invented ids — sealed to the two parties and the verifier.
func (s *story) exchange(ctx context.Context, now, start time.Time) error {
	if s.exchanged == len(storyExchanges) || now.Sub(start) < time.Duration(storyExchanges[s.exchanged].day)*24*time.Hour {
		return nil
	}
	var v api.ExchangesView
	if err := s.do(ctx, "GET", "/v1/exchanges", "", nil, &v); err != nil {
		return err
	}
	var ag *api.AgreementExchanges
	for i := range v.Agreements {
		if len(v.Agreements[i].Verifiers) > 0 && len(v.Agreements[i].Parties) == 2 {
			ag = &v.Agreements[i]
			break
		}
	}
	if ag == nil {
		s.exchanged = len(storyExchanges) // no exchange agreement on this record
		return nil
	}
	for s.exchanged < len(storyExchanges) && now.Sub(start) >= time.Duration(storyExchanges[s.exchanged].day)*24*time.Hour {
		x := storyExchanges[s.exchanged]
		id := fmt.Sprintf("x%d", s.exchanged+1)
		persons := map[string][]json.RawMessage{}
		for _, p := range ag.Parties {
			for i := range x.persons {
				persons[p] = append(persons[p], json.RawMessage(fmt.Sprintf("%q", fmt.Sprintf("%s-%s-%04d", id, p, i+1))))
			}
		}
		body, sealed, err := accord.SealExchangeLists(id, persons)
		if err != nil {
			return err
		}
		body.Agreement = ag.Agreement
		req := api.ExchangeRequest{Exchange: &body, Verifier: ag.Verifiers[0], Lists: sealed}
		if err := s.call(ctx, "/v1/exchanges", req); err != nil {
			return err
		}
		s.exchanged++
		s.say(now, "%s: %s attests exchange %s, %d for %d (the lists sealed to %s)", ag.Agreement, ag.Verifiers[0], id, x.persons, x.persons, strings.Join(append(slices.Clone(ag.Parties), ag.Verifiers[0]), ", "))
	}
	return nil
}
