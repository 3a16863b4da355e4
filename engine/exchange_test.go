package engine_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
)

func exchangeAgreement(t *testing.T) *agreement.Agreement {
	t.Helper()
	a, err := agreement.Load("../scenarios/ukraine-2025/prisoner-exchange.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func derivedText(s *engine.State) string {
	var out []string
	for _, d := range s.Derived {
		out = append(out, d.At.Format(time.RFC3339)+" "+d.What)
	}
	return strings.Join(out, "\n")
}

// Exchanges, a month short of the quota, a month met, the all for all
// attested by the verifier and the phase it opens.
func TestExchangeLog(t *testing.T) {
	s, err := engine.Replay(exchangeAgreement(t), mustLog(t, "testdata/exchange.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Exchanges) != 4 || s.Exchanges[0].ID != "x1" || s.Exchanges[0].Verifiers[0] != "icrc" || s.Exchanges[0].Counts["ru"] != 390 || len(s.Exchanges[0].Lists) != 2 {
		t.Errorf("exchanges %+v", s.Exchanges)
	}
	if s.Exchanged["ru"] != 911 || s.Exchanged["ua"] != 994 {
		t.Errorf("totals %v", s.Exchanged)
	}
	provisions := statuses(s.Provisions, func(p engine.ProvisionState) string { return p.ID + ":" + p.Status })
	if provisions != "lists:done all-for-all:done quota-ru:pending quota-ua:pending remains:done civilians-children:overdue" {
		t.Errorf("provisions %s", provisions)
	}
	phases := statuses(s.Phases, func(p engine.PhaseState) string { return p.ID + ":" + p.Status })
	if phases != "exchanges:open complete:open" {
		t.Errorf("phases %s", phases)
	}
	d := derivedText(s)
	for _, want := range []string{
		"2025-12-05T12:00:00Z exchange x1: ru released 390, ua released 390 (verified by icrc)",
		"2026-01-30T00:00:00Z provision quota-ru: ru released 37 of 300 in the period ending 2026-01-30T00:00:00Z: overdue",
		"2026-01-30T00:00:00Z provision quota-ua: ua released 120 of 300 in the period ending 2026-01-30T00:00:00Z: overdue",
		"2026-03-01T00:00:00Z provision quota-ru: quota met in the period ending 2026-03-01T00:00:00Z: no longer overdue",
		"2026-03-05T00:00:00Z provision all-for-all done, late",
		"2026-03-05T00:00:00Z phase complete opens",
	} {
		if !strings.Contains(d, want) {
			t.Errorf("derived lacks %q:\n%s", want, d)
		}
	}
	// The first period was met: nothing derived at its end.
	if strings.Contains(d, "2025-12-31") {
		t.Errorf("a met period derived something:\n%s", d)
	}
	// Three periods assessed per quota; the fourth ends after the all for
	// all was done (the quota's until) and is not.
	for _, q := range s.Quotas {
		var got []string
		for _, p := range q.Periods {
			got = append(got, p.End.Format("2006-01-02")+":"+strconv.Itoa(p.Released)+":"+map[bool]string{true: "met", false: "short"}[p.Met])
		}
		want := map[string]string{"quota-ru": "2025-12-31:474:met 2026-01-30:37:short 2026-03-01:400:met",
			"quota-ua": "2025-12-31:474:met 2026-01-30:120:short 2026-03-01:400:met"}[q.Provision]
		if q.Assessed != 3 || strings.Join(got, " ") != want {
			t.Errorf("quota %s: %d assessed, %s; want %s", q.Provision, q.Assessed, strings.Join(got, " "), want)
		}
	}
}

// signedPair is the start of a log: both parties sign on 1 December 2025.
func signedPair() []engine.Event {
	t0 := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	return []engine.Event{{Seq: 1, At: t0, Type: engine.Sign, Party: "ua"}, {Seq: 2, At: t0, Type: engine.Sign, Party: "ru"}}
}

// Refused exchanges change nothing, with the reason.
func TestExchangeRefused(t *testing.T) {
	at := time.Date(2025, 12, 5, 0, 0, 0, 0, time.UTC)
	good := engine.Event{Seq: 3, At: at, Type: engine.Exchange, ID: "x1", Counts: map[string]int{"ru": 10, "ua": 10}, SignedBy: []string{"icrc"}}
	with := func(f func(*engine.Event)) engine.Event {
		ev := good
		ev.Counts = map[string]int{"ru": 10, "ua": 10}
		f(&ev)
		return ev
	}
	tests := []struct {
		name   string
		signed int // how many of the parties signed before
		ev     engine.Event
		want   string
	}{
		{"unsigned", 2, with(func(e *engine.Event) { e.SignedBy = nil }), "exchange x1 is signed by no verifier ([icrc])"},
		{"unknown verifier", 2, with(func(e *engine.Event) { e.SignedBy = []string{"ae"} }), `exchange x1 is signed by "ae", not a verifier ([icrc])`},
		{"twice signed", 2, with(func(e *engine.Event) { e.SignedBy = []string{"icrc", "icrc"} }), "icrc signed exchange x1 twice"},
		{"negative count", 2, with(func(e *engine.Event) { e.Counts["ru"] = -3 }), "exchange x1: ru released -3 persons: a count is not negative"},
		{"unknown party", 2, with(func(e *engine.Event) { e.Counts["by"] = 5 }), `exchange x1 counts persons released by "by", not a party ([ua ru])`},
		{"a verifier counted", 2, with(func(e *engine.Event) { e.Counts["icrc"] = 5 }), `"icrc", not a party`},
		{"nobody released", 2, with(func(e *engine.Event) { e.Counts = map[string]int{"ru": 0} }), "exchange x1 releases no one"},
		{"no id", 2, with(func(e *engine.Event) { e.ID = "" }), "an exchange needs an id"},
		{"a party named", 2, with(func(e *engine.Event) { e.Party = "ua" }), `exchange x1 names party "ua": an exchange counts the releasing parties in counts`},
		{"before in force", 1, with(func(e *engine.Event) { e.Seq = 2 }), "the agreement is not in force"},
		{"list without count", 2, with(func(e *engine.Event) {
			e.Counts = map[string]int{"ru": 10}
			e.Lists = map[string]string{"ua": strings.Repeat("ab", 32)}
		}), "exchange x1: ru released 10 persons and there is no commitment to its list"},
		{"bad commitment", 2, with(func(e *engine.Event) { e.Lists = map[string]string{"ru": "abc", "ua": strings.Repeat("ab", 32)} }), "the commitment to ru's list is not 64 lowercase hex digits"},
		{"all for all on a party's word", 2, engine.Event{Seq: 3, At: at, Type: engine.ProvisionDone, Provision: "all-for-all", Party: "ua"}, `provision all-for-all is all for all: it is done when its verifier icrc attests the lists exhausted, not on "ua"'s word`},
		{"all for all with no one", 2, engine.Event{Seq: 3, At: at, Type: engine.ProvisionDone, Provision: "all-for-all"}, "it is done when its verifier icrc attests"},
		{"a quota recorded done", 2, engine.Event{Seq: 3, At: at, Type: engine.ProvisionDone, Provision: "quota-ru", Party: "ru"}, "provision quota-ru is a quota: the exchanges recorded measure it"},
		{"the verifier on another provision", 2, engine.Event{Seq: 3, At: at, Type: engine.ProvisionDone, Provision: "remains", Party: "icrc"}, `"icrc" is not obliged to provision remains`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := engine.New(exchangeAgreement(t))
			for _, ev := range signedPair()[:tt.signed] {
				if err := e.Apply(ev); err != nil {
					t.Fatal(err)
				}
			}
			before := e.State().JSON()
			err := e.Apply(tt.ev)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v\nwant %q", err, tt.want)
			}
			if after := e.State().JSON(); !bytes.Equal(before, after) {
				t.Errorf("a refused entry changed the state:\n%s\n%s", before, after)
			}
			// The good exchange still applies after the refusal.
			if tt.signed == 2 {
				if err := e.Apply(good); err != nil {
					t.Errorf("the good exchange after a refusal: %v", err)
				}
				if err := e.Apply(with(func(e *engine.Event) { e.Seq = 4 })); err == nil || !strings.Contains(err.Error(), "exchange x1 is already recorded") {
					t.Errorf("a repeated id: %v", err)
				}
			}
		})
	}
}

// The quota's shortfall is derived at the period's end, from the
// exchanges in the period (its start included, its end excluded), and not
// when the period is met.
func TestQuotaShortfall(t *testing.T) {
	t0 := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	end := t0.Add(30 * 24 * time.Hour) // 2025-12-31
	type ex struct {
		at     time.Time
		ru, ua int
	}
	tests := []struct {
		name      string
		exchanges []ex
		tick      time.Time
		short     []string // parties short of the quota
	}{
		{"both met", []ex{{t0.Add(time.Hour), 300, 300}}, end, nil},
		{"met over two exchanges", []ex{{t0.Add(time.Hour), 150, 200}, {end.Add(-time.Second), 150, 100}}, end, nil},
		{"ru short", []ex{{t0.Add(time.Hour), 299, 300}}, end, []string{"ru released 299 of 300"}},
		{"both short", []ex{{t0.Add(time.Hour), 37, 100}}, end, []string{"ru released 37 of 300", "ua released 100 of 300"}},
		{"nothing at all", nil, end, []string{"ru released 0 of 300", "ua released 0 of 300"}},
		{"an exchange at the end belongs to the next period", []ex{{end, 300, 300}}, end, []string{"ru released 0 of 300", "ua released 0 of 300"}},
		{"not assessed before its end", nil, end.Add(-time.Second), nil},
		{"assessed at the next entry, dated at the end", nil, end.Add(5 * 24 * time.Hour), []string{"ru released 0 of 300", "ua released 0 of 300"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			log := signedPair()
			for i, x := range tt.exchanges {
				log = append(log, engine.Event{Seq: len(log) + 1, At: x.at, Type: engine.Exchange, ID: "x" + strconv.Itoa(i), Counts: map[string]int{"ru": x.ru, "ua": x.ua}, SignedBy: []string{"icrc"}})
			}
			log = append(log, engine.Event{Seq: len(log) + 1, At: tt.tick, Type: engine.Tick})
			s, err := engine.Replay(exchangeAgreement(t), log)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range s.Derived {
				if strings.Contains(d.What, " of 300 ") {
					if !d.At.Equal(end) {
						t.Errorf("derived at %s, not at the period's end: %s", d.At, d.What)
					}
					got = append(got, d.What)
				}
			}
			if len(got) != len(tt.short) {
				t.Fatalf("derived %q, want %q", got, tt.short)
			}
			for i, w := range tt.short {
				if !strings.Contains(got[i], w+" in the period ending 2025-12-31T00:00:00Z: overdue") {
					t.Errorf("derived %q, want %q", got[i], w)
				}
			}
			for _, p := range s.Provisions {
				if !strings.HasPrefix(p.ID, "quota-") {
					continue
				}
				short := false
				for _, w := range tt.short {
					short = short || strings.HasPrefix(w, strings.TrimPrefix(p.ID, "quota-")+" ")
				}
				if want := map[bool]string{true: engine.Overdue, false: engine.Pending}[short]; p.Status != want {
					t.Errorf("%s is %s, want %s", p.ID, p.Status, want)
				}
			}
		})
	}
}

// exchanged() in a condition: a phase opens when ru has released 100
// persons within 30 days, and a later one would not count old exchanges.
func TestExchangedCondition(t *testing.T) {
	src := `agreement: x
parties: [ua, ru]
roles: [{actor: icrc, role: verifier}]
provisions:
  - {id: all, obliged: [ua, ru], all_for_all: {verifier: icrc}}
phases:
  - {id: one, entry: "true"}
  - {id: two, entry: "exchanged(party=ru, within=30d) >= 100 and exchanged(party=ua) >= 50"}
`
	a, err := agreement.Parse("x.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	x := func(seq int, at time.Time, id string, ru, ua int) engine.Event {
		return engine.Event{Seq: seq, At: at, Type: engine.Exchange, ID: id, Counts: map[string]int{"ru": ru, "ua": ua}, SignedBy: []string{"icrc"}}
	}
	tests := []struct {
		name string
		log  []engine.Event
		open bool
	}{
		{"enough", []engine.Event{x(3, t0.Add(day), "a", 100, 50)}, true},
		{"ru short", []engine.Event{x(3, t0.Add(day), "a", 99, 50)}, false},
		{"ua short", []engine.Event{x(3, t0.Add(day), "a", 100, 49)}, false},
		{"ru over two exchanges", []engine.Event{x(3, t0.Add(day), "a", 60, 50), x(4, t0.Add(20*day), "b", 40, 0)}, true},
		{"ru's first exchange too old", []engine.Event{x(3, t0.Add(day), "a", 60, 50), x(4, t0.Add(40*day), "b", 40, 0)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := engine.Replay(a, append(signedPair(), tt.log...))
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Phases[1].Status == engine.Open; got != tt.open {
				t.Errorf("phase two open: %v, want %v", got, tt.open)
			}
		})
	}
}

// The same exchange log gives the same bytes, replayed twice and written
// and read back.
func TestExchangeReplayIsDeterministic(t *testing.T) {
	log := mustLog(t, "testdata/exchange.ndjson")
	s1, err := engine.Replay(exchangeAgreement(t), log)
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := engine.Replay(exchangeAgreement(t), log)
	var buf bytes.Buffer
	if err := engine.WriteLog(&buf, log); err != nil {
		t.Fatal(err)
	}
	back, err := engine.ReadLog(&buf, "written")
	if err != nil {
		t.Fatal(err)
	}
	s3, _ := engine.Replay(exchangeAgreement(t), back)
	if !bytes.Equal(s1.JSON(), s2.JSON()) || !bytes.Equal(s1.JSON(), s3.JSON()) || s1.Hash() != s3.Hash() {
		t.Error("the same exchange log gave different states")
	}
	// Step by step as the replay: the state after each entry is the same.
	e := engine.New(exchangeAgreement(t))
	for _, ev := range log {
		if err := e.Apply(ev); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(e.State().JSON(), s1.JSON()) {
		t.Error("applied one by one, a different state")
	}
}

// A log line with a key given twice is refused at its line and key: the
// engine and another reader of the log must not read two outcomes.
func TestReadLogRefusesARepeatedKey(t *testing.T) {
	log := `{"seq":1,"at":"2025-06-01T00:00:00Z","type":"tick"}
{"seq":2,"at":"2025-06-02T00:00:00Z","type":"finding","consultation":"v1","outcome":"dismissed","outcome":"upheld"}
`
	_, err := engine.ReadLog(strings.NewReader(log), "l.ndjson")
	if err == nil || !strings.Contains(err.Error(), "l.ndjson:2: outcome: the key is given twice") {
		t.Errorf("error %v", err)
	}
}

// A log's bad lines are named by line, not by the seq the engine would
// have named (0 for a missing one), nor by the scanner's words.
func TestReadLogSaysTheLine(t *testing.T) {
	const tick1, tick2 = `{"seq":1,"at":"2025-06-01T00:00:00Z","type":"tick"}`, `{"seq":2,"at":"2025-06-02T00:00:00Z","type":"tick"}`
	for _, tc := range []struct{ log, want string }{
		{tick1 + "\n" + `{"at":"2025-06-02T00:00:00Z","type":"tick"}`, "l.ndjson:2: seq: missing or below 1 (0)"},
		{tick1 + "\nnull", "l.ndjson:2: seq: missing or below 1 (0)"},
		{tick1 + "\n" + tick1, "l.ndjson:2: seq: 1 after 1: an entry is missing, repeated or out of order"},
		{tick2, ""}, // a log may start after 1: the engine says whether it fits
		{tick1 + "\n" + `{"seq":2,"type":"tick","notes":"` + strings.Repeat("x", 5<<20) + `"}`, "l.ndjson:2: the line is longer than 4 MiB"},
	} {
		_, err := engine.ReadLog(strings.NewReader(tc.log), "l.ndjson")
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%.60s: error %v, want %q", tc.log, err, tc.want)
		}
	}
}
