package api_test

import (
	"bytes"
	"cmp"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/scenarios"
	"github.com/accord-peace/accord/talks"
)

// talksServer is a server with tokens for a mediator and every party of
// the reference negotiation, their keys registered, a feed and the
// record, on loopback.
type talksServer struct {
	url    string
	led    *ledger.Ledger
	keys   map[string]ed25519.PrivateKey
	tokens map[string]string // actor -> token
	whole  *accord.Scenario  // the reference, canaries planted
	public []byte
	files  map[string][]byte // position files by party
	seq    int
}

// canary is what is planted in party's position: a source no one else
// cites, and a reservation value no one else has.
func canary(party string, k int) (source string, batna float64) {
	return "CANARY-" + party + "-" + hex.EncodeToString([]byte(party)), float64(k+1) * 0.000111
}

func newTalksServer(t *testing.T) *talksServer {
	t.Helper()
	// outsider (a party's role) and mediator2 (a mediator's) take part in
	// no negotiation here.
	ts := &talksServer{keys: map[string]ed25519.PrivateKey{}, tokens: map[string]string{"mediator": "tok-mediator-0123456789",
		"outsider": "tok-outsider-0123456789", "mediator2": "tok-mediator2-0123456789"}}
	data, _ := scenarios.FS.ReadFile(scenarios.ReferenceScenario)
	whole, err := scenario.Parse("reference", data)
	if err != nil {
		t.Fatal(err)
	}
	reg := &ledger.Registry{Keys: map[string]ed25519.PublicKey{}}
	for k, p := range whole.Parties {
		pk, sk, _ := ed25519.GenerateKey(rand.Reader)
		ts.keys[p.ID], reg.Keys[p.ID] = sk, pk
		ts.tokens[p.ID] = "tok-" + p.ID + "-0123456789abcdef"
		src, off := canary(p.ID, k)
		pos := *whole.Positions[p.ID]
		pos.Sources = append(append([]string{}, pos.Sources...), src)
		pos.BATNA += off
		whole.Positions[p.ID] = &pos
	}
	ts.whole = whole
	if ts.public, ts.files, err = scenario.Split(whole); err != nil {
		t.Fatal(err)
	}
	if ts.led, err = ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), reg); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ts.led.Close() })
	feed := &api.Feed{Ledger: ts.led}
	a, k := mustReference(t)
	m, err := mission.Open(t.Context(), mission.Config{Agreement: a, Kernel: k, Observations: monitor.NewMemStore(),
		Incidents: monitor.NewMemIncidentStore(), Ledger: ts.led, Sealed: monitor.NewMemSealedStore(), Publisher: feed})
	if err != nil {
		t.Fatal(err)
	}
	s := api.NewServer(m)
	skey, _, _ := note.GenerateKey(rand.Reader, "test")
	signer, _ := note.NewSigner(skey)
	s.Record = &api.Record{Ledger: ts.led, Origin: "o", Signer: signer}
	s.Feed = feed
	s.Mediation = newMediation(t, ts.led)
	auth := &api.Auth{Tokens: map[string]api.Principal{}}
	for actor, tok := range ts.tokens {
		role := accord.RoleParty
		if actor == "mediator" || actor == "mediator2" {
			role = accord.RoleMediator
		}
		auth.Tokens[tok] = api.Principal{Actor: actor, Role: role}
	}
	s.Auth = auth
	srv := httptest.NewUnstartedServer(s.Handler())
	srv.Config.ConnContext = api.ConnContext
	srv.Start()
	t.Cleanup(srv.Close)
	ts.url = srv.URL
	return ts
}

// call sends a request as actor ("" for no token) and returns the status
// and the body.
func (ts *talksServer) call(t *testing.T, actor, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, ts.url+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if actor != "" {
		req.Header.Set("Authorization", "Bearer "+ts.tokens[actor])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// submit seals content as party and posts it to its route.
func (ts *talksServer) submit(t *testing.T, party, route string, e talks.Event, content []byte) []byte {
	t.Helper()
	ts.seq++
	e.Party, e.Negotiation = party, "ukraine-2025"
	x, err := mediation.Seal(func(s ledger.Submission) (ledger.Submission, error) {
		return ledger.Sign(ts.keys[party], s.Author, s.ID, s.Type, s.Body)
	}, e, fmt.Sprintf("s%d", ts.seq), content)
	if err != nil {
		t.Fatal(err)
	}
	code, b := ts.call(t, party, "POST", "/v1/negotiations/ukraine-2025/"+route, x)
	if code != 200 {
		t.Fatalf("%s %s: %d %s", party, route, code, b)
	}
	return b
}

// run plays the reference negotiation to its conclusion: positions, the
// 28-point plan, every party's answer, a request, the bridge, answers.
func (ts *talksServer) run(t *testing.T) {
	t.Helper()
	if code, b := ts.call(t, "mediator", "POST", "/v1/negotiations", mediation.Opening{Public: string(ts.public)}); code != 201 {
		t.Fatalf("open: %d %s", code, b)
	}
	for _, p := range ts.whole.Parties {
		ts.submit(t, p.ID, "positions", talks.Event{Type: talks.TypePosition, Version: 1}, ts.files[p.ID])
	}
	for round, d := range []mediation.DraftRequest{{Proposal: "us-28-points"}, {Method: talks.MethodBridge}} {
		if code, b := ts.call(t, "mediator", "POST", "/v1/negotiations/ukraine-2025/drafts", d); code != 201 {
			t.Fatalf("draft %d: %d %s", round+1, code, b)
		}
		_, b := ts.call(t, "mediator", "GET", "/v1/negotiations/ukraine-2025", nil)
		var mv talks.MediatorView
		json.Unmarshal(b, &mv)
		text := mv.Rounds[round].Text
		q, _ := json.Marshal(talks.Request{Text: map[string]string{"crimea": "defacto-reserved"}})
		ts.submit(t, "ua", "requests", talks.Event{Type: talks.TypeRequest, Round: round + 1}, q)
		// The round closes once every veto party has answered: the others
		// answer first.
		parties := slices.Clone(ts.whole.Parties)
		slices.SortStableFunc(parties, func(a, b accord.Party) int { return cmp.Compare(fmt.Sprint(a.Veto), fmt.Sprint(b.Veto)) })
		for _, p := range parties {
			a, _ := json.Marshal(talks.Respond(ts.whole, p.ID, ts.whole.Positions[p.ID], text))
			ts.submit(t, p.ID, "answers", talks.Event{Type: talks.TypeAnswer, Round: round + 1}, a)
		}
	}
}

// feed reads the whole feed from the record's start for a moment.
func (ts *talksServer) feed(t *testing.T, actor string) []byte {
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.url+"/v1/feed", nil)
	req.Header.Set("Last-Event-ID", "-1")
	if actor != "" {
		req.Header.Set("Authorization", "Bearer "+ts.tokens[actor])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body) // until the deadline cuts it
	return b
}

// TestNoPartySeesAnothersPosition: every route and the feed, called as
// each party (and without a token), never return a byte of another
// party's position — its planted source or its reservation value — while
// the party's own position and the mediator's view hold them.
func TestNoPartySeesAnothersPosition(t *testing.T) {
	ts := newTalksServer(t)
	ts.run(t)
	_, b := ts.call(t, "mediator", "GET", "/v1/negotiations/ukraine-2025", nil)
	var mv talks.MediatorView
	if err := json.Unmarshal(b, &mv); err != nil || mv.Concluded == nil {
		t.Fatalf("the reference negotiation did not conclude: %v %s", err, b)
	}
	needles := map[string][]string{}
	for k, p := range ts.whole.Parties {
		src, _ := canary(p.ID, k)
		batna, _ := json.Marshal(ts.whole.Positions[p.ID].BATNA)
		needles[p.ID] = []string{src, string(batna)}
		if !strings.Contains(string(b), string(batna)) {
			t.Errorf("the mediator's view lacks %s's reservation value %s: the canary could not be seen", p.ID, batna)
		}
	}
	callers := []string{""}
	for _, p := range ts.whole.Parties {
		callers = append(callers, p.ID)
	}
	calls := 0
	for _, caller := range callers {
		var seen bytes.Buffer
		for _, route := range api.Routes {
			method, path, _ := strings.Cut(route, " ")
			var paths []string
			switch {
			case strings.Contains(path, "{index}"):
				for i := int64(0); i < ts.led.Len(); i++ {
					paths = append(paths, strings.ReplaceAll(path, "{index}", fmt.Sprint(i)))
				}
			case strings.Contains(path, "{party}"):
				for _, p := range ts.whole.Parties {
					paths = append(paths, strings.NewReplacer("{id}", "ukraine-2025", "{party}", p.ID).Replace(path))
				}
			case path == "/v1/feed":
				seen.Write(ts.feed(t, caller))
				calls++
				continue
			default:
				paths = []string{strings.NewReplacer("{id}", "ukraine-2025", "{sha256}", strings.Repeat("0", 64)).Replace(path)}
			}
			for _, p := range paths {
				var body any
				if method == "POST" {
					body = map[string]any{}
				}
				_, b := ts.call(t, caller, method, p, body)
				seen.Write(b)
				calls++
			}
		}
		for other, ns := range needles {
			for _, n := range ns {
				if other != caller && bytes.Contains(seen.Bytes(), []byte(n)) {
					t.Errorf("called as %q, the server returned %q, planted in %s's position", caller, n, other)
				}
			}
		}
		if caller != "" && !bytes.Contains(seen.Bytes(), []byte(needles[caller][0])) {
			t.Errorf("%s never saw its own position's canary: the search could not find a leak", caller)
		}
	}
	t.Logf("%d calls, %d callers, %d ledger entries", calls, len(callers), ts.led.Len())
}
