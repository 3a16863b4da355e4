package engine_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
)

// setFiles reads agreement files of testdata/set, with edits (old, new
// pairs) applied to the ceasefire's.
func setFiles(t *testing.T, names []string, edits ...string) []agreement.File {
	t.Helper()
	var files []agreement.File
	for _, n := range names {
		p := "testdata/set/" + n + ".yaml"
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		for i := 0; n == "ceasefire" && i+1 < len(edits); i += 2 {
			if !strings.Contains(s, edits[i]) {
				t.Fatalf("%s lacks %q", p, edits[i])
			}
			s = strings.Replace(s, edits[i], edits[i+1], 1)
		}
		files = append(files, agreement.File{Name: p, Data: []byte(s)})
	}
	return files
}

func mustSet(t *testing.T, names []string, edits ...string) []*agreement.Agreement {
	t.Helper()
	as, err := agreement.ParseSet(setFiles(t, names, edits...)...)
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// twoOf drops a log's entries for agreements other than those kept and
// numbers the rest again.
func twoOf(log []engine.Event, keep ...string) []engine.Event {
	var out []engine.Event
	for _, ev := range log {
		id := ev.Agreement
		if id == "" {
			id = "ceasefire"
		}
		if ev.Type == engine.Tick || strings.Contains(" "+strings.Join(keep, " ")+" ", " "+id+" ") {
			ev.Seq = len(out) + 1
			out = append(out, ev)
		}
	}
	return out
}

// noExchange is the edit of the ceasefire for the set of two: its
// reconstruction waits for the grain corridor only.
var noExchange = []string{" and\n      provision(prisoner-exchange/all-for-all) == done", ""}

func phaseOf(s *engine.State, id string) engine.PhaseState {
	for _, p := range s.Phases {
		if p.ID == id {
			return p
		}
	}
	return engine.PhaseState{}
}

// A phase of the ceasefire opens after 60 days of compliance with the
// grain corridor, and does not while the corridor has an upheld major
// violation within 60 days; in the set of three it waits for the prisoner
// exchange too.
func TestSetPhaseAfterCompliance(t *testing.T) {
	tests := []struct {
		name   string
		set    []string
		edits  []string
		log    string
		upTo   int    // entries applied (0: all)
		status string // of the ceasefire's reconstruction
		opened string // when it opened
	}{
		{"two, 59 days", []string{"ceasefire", "grain-corridor"}, noExchange, "compliance", 8, "pending", ""},
		{"two, 60 days", []string{"ceasefire", "grain-corridor"}, noExchange, "compliance", 0, "open", "2026-01-30T00:00:00Z"},
		{"two, upheld major violation within 60 days", []string{"ceasefire", "grain-corridor"}, noExchange, "violation", 10, "pending", ""},
		{"two, the violation's 60 days not over", []string{"ceasefire", "grain-corridor"}, noExchange, "violation", 11, "pending", ""},
		{"two, the violation 60 days old", []string{"ceasefire", "grain-corridor"}, noExchange, "violation", 0, "open", "2026-02-09T00:00:01Z"},
		{"three, 60 days", []string{"ceasefire", "grain-corridor", "prisoner-exchange"}, nil, "compliance", 0, "open", "2026-01-30T00:00:00Z"},
		{"three, given in another order", []string{"prisoner-exchange", "ceasefire", "grain-corridor"}, nil, "compliance", 0, "open", "2026-01-30T00:00:00Z"},
		{"three, upheld major violation", []string{"ceasefire", "grain-corridor", "prisoner-exchange"}, nil, "violation", 14, "pending", ""},
		{"three, exchange not done", []string{"ceasefire", "grain-corridor", "prisoner-exchange"}, nil, "compliance-no-exchange", 0, "pending", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := mustSet(t, tt.set, tt.edits...)
			path := "testdata/set/" + strings.TrimSuffix(tt.log, "-no-exchange") + ".ndjson"
			log := mustLog(t, path)
			if strings.HasSuffix(tt.log, "-no-exchange") {
				log = twoOf(log, "ceasefire", "grain-corridor")
			}
			if len(tt.set) == 2 {
				log = twoOf(log, tt.set...)
			}
			if tt.upTo > 0 {
				log = log[:tt.upTo]
			}
			if as[0].ID != "ceasefire" && len(log) > 0 {
				// "" is the set's first agreement: name the ceasefire.
				for i := range log {
					if log[i].Agreement == "" && log[i].Type != engine.Tick {
						log[i].Agreement = "ceasefire"
					}
				}
			}
			states, err := engine.ReplaySet(as, log)
			if err != nil {
				t.Fatal(err)
			}
			var cf *engine.State
			for _, s := range states {
				if s.Agreement == "ceasefire" {
					cf = s
				}
			}
			p := phaseOf(cf, "reconstruction")
			opened := ""
			if p.OpenedAt != nil {
				opened = p.OpenedAt.Format(time.RFC3339)
			}
			if p.Status != tt.status || opened != tt.opened {
				t.Errorf("reconstruction %s opened %q, want %s %q\n%s", p.Status, opened, tt.status, tt.opened, cf.JSON())
			}
			for _, s := range states {
				if s.Seq != len(log) || !s.Now.Equal(log[len(log)-1].At) {
					t.Errorf("%s at entry %d, %s: every agreement takes every entry", s.Agreement, s.Seq, s.Now)
				}
			}
		})
	}
}

// The set of three: the prisoner exchange's phase follows the grain
// corridor's, the ceasefire's deadline counts from the corridor's
// signature, and the tranches follow agreement(grain-corridor).
func TestSetThree(t *testing.T) {
	as := mustSet(t, []string{"ceasefire", "grain-corridor", "prisoner-exchange"})
	s, err := engine.NewSet(as...)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.IDs(), " "); got != "ceasefire grain-corridor prisoner-exchange" {
		t.Errorf("ids %s", got)
	}
	for _, ev := range mustLog(t, "testdata/set/violation.ndjson") {
		if err := s.Apply(ev); err != nil {
			t.Fatal(err)
		}
	}
	pe := s.State("prisoner-exchange")
	if p := phaseOf(pe, "exchange"); p.Status != engine.Open || !p.OpenedAt.Equal(time.Date(2025, 12, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("exchange %+v", p)
	}
	cf := s.State("")
	if cf.Agreement != "ceasefire" || cf.Provisions[1].Due == nil || !cf.Provisions[1].Due.Equal(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("corridor-demining due %v", cf.Provisions[1].Due)
	}
	tranches := statuses(cf.Tranches, func(t engine.TrancheState) string { return t.ID + ":" + t.Status + "@" + t.At.Format("01-02") })
	if tranches != "shipping-insurance:released@12-01 port-credit:released@01-30" {
		t.Errorf("tranches %s", tranches)
	}
	gc := s.State("grain-corridor")
	if !gc.Snapback.InForce() || phaseOf(gc, "full").Status != engine.Suspended {
		t.Errorf("grain corridor: %s", gc.JSON())
	}
	if s.State("no-such") != nil || s.Engine("no-such") != nil || s.Engine("grain-corridor") == nil {
		t.Error("State or Engine of an unknown agreement")
	}
	id, c, ok := s.Consultation("g1")
	if !ok || id != "grain-corridor" || c.Outcome != engine.Upheld {
		t.Errorf("consultation g1: %s %+v %v", id, c, ok)
	}
	if _, _, ok := s.Consultation("g2"); ok {
		t.Error("consultation g2")
	}
	// The derived events of every agreement, each with its agreement, in
	// the order derived; an agreement's own state keeps them without it.
	all := s.DerivedSince(0)
	n := 0
	for _, id := range s.IDs() {
		n += len(s.State(id).Derived)
	}
	if len(all) != n || all[0].Agreement != "grain-corridor" || all[0].What != "ua signs" {
		t.Fatalf("derived %d of %d: %+v", len(all), n, all[0])
	}
	var seq int
	for _, d := range all {
		if d.Seq < seq || d.Agreement == "" {
			t.Errorf("out of order or without agreement: %+v", d)
		}
		seq = d.Seq
	}
	last := s.DerivedSince(len(all) - 1)
	if len(last) != 1 || last[0].Agreement != "ceasefire" || last[0].What != "phase reconstruction opens" {
		t.Errorf("last derived %+v", last)
	}
	if s.DerivedSince(len(all)) != nil || bytes.Contains(cf.JSON(), []byte(`"agreement": "ceasefire",`+"\n      ")) {
		t.Error("derived past the end, or an agreement in a state's derived events")
	}
}

// A refused entry leaves every engine as it was, whichever agreement
// refuses it and wherever it comes in the settling order.
func TestSetRefusedEntryChangesNothing(t *testing.T) {
	log := mustLog(t, "testdata/set/violation.ndjson")
	at := func(n int) time.Time { return log[n-1].At }
	tests := []struct {
		name string
		upTo int
		ev   engine.Event
		want string
	}{
		{"unknown agreement", 9, engine.Event{Seq: 10, At: at(10), Type: engine.Tick, Agreement: "grain"}, `log entry 10 (tick at 2025-12-12T00:00:00Z): no agreement "grain" in the set (ceasefire, grain-corridor, prisoner-exchange)`},
		{"sequence", 9, engine.Event{Seq: 11, At: at(10), Type: engine.Tick}, "sequence number 11, want 10: an entry is missing, repeated or out of order"},
		{"time", 9, engine.Event{Seq: 10, At: at(8), Type: engine.Tick}, "time goes backwards"},
		{"the target refuses, settled last", 11, engine.Event{Seq: 12, At: at(12), Type: engine.Finding, Agreement: "grain-corridor", Consultation: "g1", Outcome: "upheld", SignedBy: []string{"us"}}, `the finding is signed by "us", not a guarantor`},
		{"the target refuses, settled first", 11, engine.Event{Seq: 12, At: at(12), Type: engine.ViolationEv, Agreement: "ceasefire", ID: "c1", Party: "tr", Rule: "crossing"}, `the violation is attributed to "tr", not a party`},
		{"a consultation of another agreement", 11, engine.Event{Seq: 12, At: at(12), Type: engine.Finding, Consultation: "g1", Outcome: "upheld", SignedBy: []string{"us"}}, `consultation g1 is agreement grain-corridor's: give "agreement": "grain-corridor"`},
		{"a violation id of another agreement", 11, engine.Event{Seq: 12, At: at(12), Type: engine.ViolationEv, ID: "g1", Party: "ru", Rule: "crossing"}, "violation g1 is already recorded, in agreement grain-corridor"},
		{"the same violation twice", 11, engine.Event{Seq: 12, At: at(12), Type: engine.ViolationEv, Agreement: "grain-corridor", ID: "g1", Party: "ru", Rule: "x"}, "violation g1 is already recorded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := engine.NewSet(mustSet(t, []string{"ceasefire", "grain-corridor", "prisoner-exchange"})...)
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range log[:tt.upTo] {
				if err := s.Apply(ev); err != nil {
					t.Fatal(err)
				}
			}
			before := map[string][]byte{}
			for _, id := range s.IDs() {
				before[id] = s.State(id).JSON()
			}
			nd := len(s.DerivedSince(0))
			err = s.Apply(tt.ev)
			if err == nil || !strings.Contains(err.Error(), tt.want) || accord.ErrorCode(err) != accord.EINVALID {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			for _, id := range s.IDs() {
				if got := s.State(id).JSON(); !bytes.Equal(got, before[id]) {
					t.Errorf("%s changed by a refused entry:\n%s\n---\n%s", id, before[id], got)
				}
			}
			if len(s.DerivedSince(0)) != nd {
				t.Error("derived events added by a refused entry")
			}
			// The rest of the log applies as if the entry had not been.
			for _, ev := range log[tt.upTo:] {
				if err := s.Apply(ev); err != nil {
					t.Fatal(err)
				}
			}
			want, err := engine.ReplaySet(mustSet(t, []string{"ceasefire", "grain-corridor", "prisoner-exchange"}), log)
			if err != nil {
				t.Fatal(err)
			}
			for i, id := range s.IDs() {
				if !bytes.Equal(s.State(id).JSON(), want[i].JSON()) {
					t.Errorf("%s differs from a replay without the refused entry", id)
				}
			}
		})
	}
}

// With one agreement a set is the engine: the engine's logs give the same
// bytes, and so do their entries refused.
func TestSetOfOneIsTheEngine(t *testing.T) {
	a := mustAgreement(t)
	for _, path := range []string{"testdata/snapback.ndjson", "testdata/compliance.ndjson"} {
		log := mustLog(t, path)
		want, err := engine.Replay(a, log)
		if err != nil {
			t.Fatal(err)
		}
		got, err := engine.ReplaySet([]*agreement.Agreement{a}, log)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[0].JSON(), want.JSON()) {
			t.Errorf("%s: the set's state differs from the engine's", path)
		}
		e, s := engine.New(a), must(engine.NewSet(a))
		for i, ev := range log {
			if i == 3 {
				bad := ev
				bad.Seq++
				e1, e2 := e.Apply(bad), s.Apply(bad)
				if e1 == nil || e2 == nil || e1.Error() != e2.Error() {
					t.Errorf("refusals differ: %v / %v", e1, e2)
				}
			}
			if err := e.Apply(ev); err != nil {
				t.Fatal(err)
			}
			if err := s.Apply(ev); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(e.State().JSON(), s.State("").JSON()) {
				t.Fatalf("%s: entry %d differs", path, ev.Seq)
			}
			if d1, d2 := e.DerivedSince(0), s.DerivedSince(0); len(d1) != len(d2) {
				t.Fatalf("%s: %d derived events, the set %d", path, len(d1), len(d2))
			}
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// The same log gives the same bytes, twice and with the entries' times in
// another zone (the same instants).
func TestSetDeterministic(t *testing.T) {
	names := []string{"ceasefire", "grain-corridor", "prisoner-exchange"}
	log := mustLog(t, "testdata/set/violation.ndjson")
	replay := func(log []engine.Event) []byte {
		states, err := engine.ReplaySet(mustSet(t, names), log)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(states)
		return b
	}
	a, b := replay(log), replay(log)
	if !bytes.Equal(a, b) {
		t.Fatal("two replays differ")
	}
	kyiv := time.FixedZone("EET", 2*3600)
	shifted := make([]engine.Event, len(log))
	for i, ev := range log {
		ev.At = ev.At.In(kyiv)
		shifted[i] = ev
	}
	c, d := replay(shifted), replay(shifted)
	if !bytes.Equal(c, d) {
		t.Fatal("two replays in another zone differ")
	}
	var utc, eet []engine.State
	json.Unmarshal(a, &utc)
	json.Unmarshal(c, &eet)
	for i := range utc {
		for j, p := range utc[i].Phases {
			q := eet[i].Phases[j]
			if p.Status != q.Status || (p.OpenedAt == nil) != (q.OpenedAt == nil) || p.OpenedAt != nil && !p.OpenedAt.Equal(*q.OpenedAt) {
				t.Errorf("%s phase %s: %+v in UTC, %+v in EET", utc[i].Agreement, p.ID, p, q)
			}
		}
		if len(utc[i].Derived) != len(eet[i].Derived) {
			t.Errorf("%s: derived events differ with the zone", utc[i].Agreement)
		}
	}
}

// NewSet refuses what CheckSet refuses.
func TestNewSetRefuses(t *testing.T) {
	as := mustSet(t, []string{"ceasefire", "grain-corridor", "prisoner-exchange"})
	if _, err := engine.NewSet(); err == nil {
		t.Error("an empty set")
	}
	if _, err := engine.NewSet(as[0], as[1]); err == nil || !strings.Contains(err.Error(), `unknown agreement "prisoner-exchange" (the set has grain-corridor)`) {
		t.Errorf("a set without the prisoner exchange: %v", err)
	}
	if _, err := engine.NewSet(as[1], as[2], as[1]); err == nil || !strings.Contains(err.Error(), `"grain-corridor" is the id of testdata/set/grain-corridor.yaml too`) {
		t.Errorf("a duplicate: %v", err)
	}
	// Alone, an engine refuses an entry for another agreement, and takes
	// one for its own.
	e := engine.New(as[1])
	if err := e.Apply(engine.Event{Seq: 1, At: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), Type: engine.Sign, Agreement: "ceasefire", Party: "ua"}); err == nil || !strings.Contains(err.Error(), `the entry is for agreement "ceasefire", not grain-corridor`) {
		t.Errorf("an entry for another agreement: %v", err)
	}
	if err := e.Apply(engine.Event{Seq: 1, At: time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC), Type: engine.Sign, Agreement: "grain-corridor", Party: "ua"}); err != nil {
		t.Error(err)
	}
	// Alone, an agreement that reads others never sees them: its
	// reconstruction stays pending, its tranches are not released.
	log := twoOf(mustLog(t, "testdata/set/compliance.ndjson"), "ceasefire")
	s, err := engine.Replay(as[0], log)
	if err != nil {
		t.Fatal(err)
	}
	if p := phaseOf(s, "reconstruction"); p.Status != engine.Pending || s.Tranches[0].Status != engine.Pending || s.Provisions[1].Due != nil {
		t.Errorf("alone: %s", s.JSON())
	}
}

// The cost of an entry: a set of three applies three engines per entry.
func BenchmarkReplaySet(b *testing.B) {
	names := []string{"ceasefire", "grain-corridor", "prisoner-exchange"}
	var files []agreement.File
	for _, n := range names {
		data, err := os.ReadFile("testdata/set/" + n + ".yaml")
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, agreement.File{Name: n, Data: data})
	}
	as, err := agreement.ParseSet(files...)
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Open("testdata/set/violation.ndjson")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	log, err := engine.ReadLog(f, "violation.ndjson")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := engine.NewSet(as...)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for _, ev := range log {
			if err := s.Apply(ev); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(log)), "ns/entry")
}
