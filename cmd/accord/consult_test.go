package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// postSimulated posts a simulated network's observations (seed, duration)
// to a running server, with a bearer token when given, and returns the
// server's answer.
func postSimulated(t *testing.T, url, token, seed, duration string) api.IngestResult {
	t.Helper()
	obs, _ := simulateTo(t, "--seed", seed, "--duration", duration)
	body, _ := os.ReadFile(obs)
	req, _ := http.NewRequest("POST", url+"/v1/observations", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-ndjson")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("post: %v %v", err, resp)
	}
	defer resp.Body.Close()
	var res api.IngestResult
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	return res
}

func getJSON(t *testing.T, url string, want int, dst any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d %s, want %d", url, resp.StatusCode, b, want)
	}
	if dst != nil {
		if err := json.Unmarshal(b, dst); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
}

func postJSON(t *testing.T, url, body string, want int) (api.ConsultationResult, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s %s: %d %s, want %d", url, body, resp.StatusCode, b, want)
	}
	var res api.ConsultationResult
	if want == 200 {
		if err := json.Unmarshal(b, &res); err != nil {
			t.Fatal(err)
		}
	}
	return res, string(b)
}

// A violation's consultation over HTTP: the party disputes, the guarantors
// sign the finding one by one until the quorum, the timeline counts it,
// and a restarted server has the consultation and a pending signature back.
func TestServeConsultations(t *testing.T) {
	data := t.TempDir()
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data)
	postSimulated(t, url, "", "4", "1h")

	var v api.AgreementView
	getJSON(t, url+"/v1/agreement", 200, &v)
	if len(v.Phases) == 0 || v.Phases[0].Status != engine.Open || v.Phases[0].Title == "" {
		t.Fatalf("phases: %+v", v.Phases)
	}
	var open []engine.ConsultationState
	for _, c := range v.Consultations {
		if c.Stage == engine.StageNotice {
			open = append(open, c)
		}
	}
	if len(open) < 2 {
		t.Fatalf("want two open notices, have %d of %d consultations", len(open), len(v.Consultations))
	}
	c, c2 := open[0], open[1]
	other := v.Parties[0]
	if other == c.Party {
		other = v.Parties[1]
	}
	base := url + "/v1/consultations/" + c.ID
	// Refused answers change nothing.
	_, msg := postJSON(t, base+"/response", `{"party":"`+other+`","answer":"accept"}`, 400)
	if !strings.Contains(msg, "cannot answer") {
		t.Errorf("the wrong party: %s", msg)
	}
	_, msg = postJSON(t, base+"/response", `{"party":"`+c.Party+`","answer":"dispute"}`, 400)
	if !strings.Contains(msg, "evidence") {
		t.Errorf("a dispute without evidence: %s", msg)
	}
	postJSON(t, base+"/response", `{"party":"`+c.Party+`","answer":"accept","extra":1}`, 400)
	postJSON(t, url+"/v1/consultations/nope/response", `{"party":"`+c.Party+`","answer":"accept"}`, 404)
	var after api.AgreementView
	getJSON(t, url+"/v1/agreement", 200, &after)
	if after.Hash != v.Hash {
		t.Fatal("a refused answer changed the agreement's state")
	}
	res, _ := postJSON(t, base+"/response", `{"party":"`+c.Party+`","answer":"dispute","evidence":"drone footage of the area"}`, 200)
	if res.Consultation.Stage != engine.StageJoint || len(res.Derived) == 0 || res.LastEntry == nil {
		t.Fatalf("dispute: %+v", res)
	}
	// The quorum is two guarantors: one signature waits for the second.
	res, _ = postJSON(t, base+"/finding", `{"guarantor":"us","outcome":"upheld"}`, 200)
	if res.Consultation.Stage != engine.StageJoint || len(res.Pending) != 1 {
		t.Fatalf("first signature: %+v", res)
	}
	postJSON(t, base+"/finding", `{"guarantor":"us","outcome":"upheld"}`, 400)
	postJSON(t, base+"/finding", `{"guarantor":"`+c.Party+`","outcome":"upheld"}`, 403)
	postJSON(t, base+"/finding", `{"guarantor":"eu","outcome":"proven"}`, 400)
	res, _ = postJSON(t, base+"/finding", `{"guarantor":"eu","outcome":"upheld"}`, 200)
	if res.Consultation.Stage != engine.StageClosed || res.Consultation.Outcome != engine.Upheld || strings.Join(res.Consultation.SignedBy, ",") != "eu,us" {
		t.Fatalf("finding: %+v", res.Consultation)
	}
	var comp api.Compliance
	getJSON(t, url+"/v1/compliance?bucket=1h", 200, &comp)
	upheld := 0
	for _, p := range comp.Parties {
		if p.Party == c.Party {
			upheld = p.Totals.Upheld
			sum := 0
			for _, pt := range p.Points {
				sum += pt.Violations
			}
			if sum != p.Totals.Violations {
				t.Errorf("%s: points add up to %d, totals %d", p.Party, sum, p.Totals.Violations)
			}
		}
	}
	if upheld < 1 {
		t.Errorf("compliance: no upheld violation for %s: %+v", c.Party, comp)
	}
	getJSON(t, url+"/v1/compliance?bucket=1s", 400, nil)
	getJSON(t, url+"/v1/compliance?from=x", 400, nil)

	// A second dispute with one signature, then a restart.
	base2 := url + "/v1/consultations/" + c2.ID
	postJSON(t, base2+"/response", `{"party":"`+c2.Party+`","answer":"dispute","evidence":"radar logs"}`, 200)
	postJSON(t, base2+"/finding", `{"guarantor":"us","outcome":"dismissed"}`, 200)
	if code := stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	url, stop, _ = startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data)
	defer stop()
	var restored api.AgreementView
	getJSON(t, url+"/v1/agreement", 200, &restored)
	for _, rc := range restored.Consultations {
		if rc.ID == c.ID && (rc.Stage != engine.StageClosed || rc.Outcome != engine.Upheld) {
			t.Errorf("restored %s: %+v", c.ID, rc)
		}
	}
	res, _ = postJSON(t, url+"/v1/consultations/"+c2.ID+"/finding", `{"guarantor":"eu","outcome":"dismissed"}`, 200)
	if res.Consultation.Outcome != engine.Dismissed {
		t.Errorf("the signature before the restart was lost: %+v", res)
	}
}

// The incident, negotiation and band views of the server.
func TestServeViews(t *testing.T) {
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir())
	defer stop()
	ing := postSimulated(t, url, "", "5", "30m")
	in := ing.Incidents[0]
	var d struct {
		Incident     monitor.Incident  `json:"incident"`
		Observations []json.RawMessage `json:"observations"`
	}
	getJSON(t, url+"/v1/incidents/"+in.ID, 200, &d)
	if d.Incident.ID != in.ID || len(d.Observations) != len(in.Observations) {
		t.Fatalf("incident %s: %d observations, want %d", in.ID, len(d.Observations), len(in.Observations))
	}
	for i, raw := range d.Observations {
		// Each observation comes back as its source sent it: a valid line.
		o, err := monitor.DecodeLine(raw)
		if err != nil || o.Key().Source != in.Observations[i].Source || o.ID != in.Observations[i].ID {
			t.Errorf("observation %d: %v %v, want %v", i, err, raw, in.Observations[i])
		}
	}
	getJSON(t, url+"/v1/incidents/no-such", 404, nil)

	var sc api.ScenarioView
	getJSON(t, url+"/v1/scenario", 200, &sc)
	if sc.ID == "" || len(sc.Proposals) != 8 || len(sc.Parties) < 2 {
		t.Errorf("scenario: %s, %d proposals, %d parties", sc.ID, len(sc.Proposals), len(sc.Parties))
	}
	var pr map[string]json.RawMessage
	getJSON(t, url+"/v1/scenario/proposals/"+sc.Proposals[0].Proposal, 200, &pr)
	if len(pr["evaluation"]) < 10 {
		t.Errorf("proposal: %s", pr["evaluation"])
	}
	getJSON(t, url+"/v1/scenario/proposals/none", 404, nil)
	for path, want := range map[string]string{"/v1/scenario/matrix?format=html": "<table", "/v1/scenario/frontier.svg": "<svg", "/v1/scenario/matrix": `"proposals"`} {
		r, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d %.200s", path, r.StatusCode, b)
		}
	}
	getJSON(t, url+"/v1/scenario/frontier.svg?x=nobody", 400, nil)
	getJSON(t, url+"/v1/scenario/matrix?format=pdf", 400, nil)

	var bands struct {
		Type     string `json:"type"`
		Features []struct {
			Properties struct {
				Band string `json:"band"`
				Side string `json:"side"`
			} `json:"properties"`
		} `json:"features"`
	}
	getJSON(t, url+"/v1/bands", 200, &bands)
	sides := map[string]bool{}
	for _, f := range bands.Features {
		sides[f.Properties.Band+"/"+f.Properties.Side] = true
	}
	if bands.Type != "FeatureCollection" || len(sides) < 8 {
		t.Errorf("bands: %s, %d band/side pairs %v", bands.Type, len(sides), sides)
	}
}

func authJSON(t *testing.T, method, url, token, body string, want int, dst any) string {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s as %q: %d %s, want %d", method, url, token, resp.StatusCode, b, want)
	}
	if dst != nil {
		json.Unmarshal(b, dst)
	}
	return string(b)
}

// With tokens: an open notice is read by the party it went to, the
// guarantors and the mediators, not by the other party nor the public; a
// party answers only its own notices, as itself; a guarantor signs only as
// itself.
func TestServeConsultationsWithTokens(t *testing.T) {
	data := t.TempDir()
	tokens := filepath.Join(data, "tokens.json")
	os.WriteFile(tokens, []byte(`{
		"monitor-token-0123456789": {"actor": "mission", "role": "monitor", "owners": ["un", "cn", "in", "ru", "ua", "osint"]},
		"ru-token-0123456789abcd": {"actor": "ru", "role": "party"},
		"ua-token-0123456789abcd": {"actor": "ua", "role": "party"},
		"us-token-0123456789abcd": {"actor": "us", "role": "guarantor"},
		"eu-token-0123456789abcd": {"actor": "eu", "role": "guarantor"},
		"un-token-0123456789abcd": {"actor": "un", "role": "mediator"}}`), 0o600)
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--tokens", tokens)
	defer stop()
	postSimulated(t, url, "monitor-token-0123456789", "4", "1h")
	seen := map[string][]engine.ConsultationState{}
	withheld := map[string]int{}
	for who, tok := range map[string]string{"public": "", "ru": "ru-token-0123456789abcd", "ua": "ua-token-0123456789abcd",
		"us": "us-token-0123456789abcd", "un": "un-token-0123456789abcd"} {
		var got struct {
			Consultations []engine.ConsultationState `json:"consultations"`
			Withheld      int                        `json:"withheld"`
		}
		authJSON(t, "GET", url+"/v1/consultations", tok, "", 200, &got)
		seen[who], withheld[who] = got.Consultations, got.Withheld
		// The agreement's view withholds the same, and says so too.
		var v api.AgreementView
		authJSON(t, "GET", url+"/v1/agreement", tok, "", 200, &v)
		if len(v.Consultations) != len(got.Consultations) || v.ConsultationsWithheld != got.Withheld {
			t.Errorf("%s: /v1/agreement lists %d consultations, %d withheld; /v1/consultations %d, %d", who, len(v.Consultations), v.ConsultationsWithheld, len(got.Consultations), got.Withheld)
		}
	}
	all := seen["us"]
	if len(all) == 0 || len(seen["un"]) != len(all) || len(seen["public"]) != 0 {
		t.Fatalf("guarantor %d, mediator %d, public %d consultations", len(all), len(seen["un"]), len(seen["public"]))
	}
	// A list left partial says how many it leaves out: every caller's
	// list and withheld count add up to the consultations.
	for who := range seen {
		if len(seen[who])+withheld[who] != len(all) {
			t.Errorf("%s reads %d consultations, %d said withheld, of %d", who, len(seen[who]), withheld[who], len(all))
		}
	}
	for _, p := range []string{"ru", "ua"} {
		n := 0
		for _, c := range all {
			if c.Party == p {
				n++
			}
		}
		if len(seen[p]) != n {
			t.Errorf("%s reads %d consultations, %d went to it", p, len(seen[p]), n)
		}
		for _, c := range seen[p] {
			if c.Party != p {
				t.Errorf("%s reads the notice of %s to %s", p, c.ID, c.Party)
			}
		}
	}
	var c engine.ConsultationState
	for _, x := range all {
		if x.Party == "ru" {
			c = x
			break
		}
	}
	if c.ID == "" {
		t.Fatal("no notice to ru")
	}
	base := url + "/v1/consultations/" + c.ID
	authJSON(t, "POST", base+"/response", "ua-token-0123456789abcd", `{"answer":"accept"}`, 403, nil)
	authJSON(t, "POST", base+"/response", "ru-token-0123456789abcd", `{"party":"ua","answer":"accept"}`, 403, nil)
	authJSON(t, "POST", base+"/response", "", `{"party":"ru","answer":"accept"}`, 401, nil)
	authJSON(t, "POST", base+"/finding", "ru-token-0123456789abcd", `{"outcome":"dismissed"}`, 403, nil)
	authJSON(t, "POST", base+"/response", "ru-token-0123456789abcd", `{"answer":"dispute","evidence":"our logs"}`, 200, nil)
	authJSON(t, "POST", base+"/finding", "us-token-0123456789abcd", `{"guarantor":"eu","outcome":"upheld"}`, 403, nil)
	var res api.ConsultationResult
	authJSON(t, "POST", base+"/finding", "us-token-0123456789abcd", `{"outcome":"upheld"}`, 200, &res)
	if len(res.Pending) != 1 || res.Pending[0].Guarantor != "us" {
		t.Errorf("the guarantor's signature: %+v", res)
	}
	checkSealed(t, url, data, c.ID)
}

// checkSealed checks that what the public reads of the record — the
// ledger, its entries, the feed — reveals no more than /v1/consultations
// does while consultation id is open: no notice, no answer or evidence, no
// signature before the quorum, but seals in their place; that each seal
// opens for those who may read the notice and for no one else; that
// accord verify says its answer is partial without them and replays
// everything with a guarantor's token; and that the consultation's seals
// open for everyone once it is closed.
func checkSealed(t *testing.T, url, data, id string) {
	t.Helper()
	resp, err := http.Get(url + "/v1/ledger")
	if err != nil {
		t.Fatal(err)
	}
	led, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, secret := range []string{"notice to", "our logs", `"guarantor":"us"`} {
		if bytes.Contains(led, []byte(secret)) {
			t.Errorf("the public ledger holds %q", secret)
		}
	}
	var seals []accord.Seal
	ledger.Entries(led, int64(bytes.Count(led, []byte(`"seq":`))), func(i int64, e *ledger.Entry) error {
		if s, ok := accord.SealOf(e.Body); ok && s.Consultation == id {
			seals = append(seals, s)
		}
		return nil
	})
	if len(seals) < 3 {
		t.Fatalf("%d sealed entries about %s, want the notice, the answer and the signature at least", len(seals), id)
	}
	// The feed, from its first entry.
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url+"/v1/feed", nil)
	req.Header.Set("Last-Event-ID", "-1")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		feed, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Contains(feed, []byte("sealed_sha256")) || bytes.Contains(feed, []byte("notice to")) || bytes.Contains(feed, []byte("our logs")) {
			t.Errorf("the public feed (%d bytes) shows restricted content, or no seal", len(feed))
		}
	}
	opened := ""
	for _, s := range seals {
		authJSON(t, "GET", url+"/v1/sealed/"+s.SHA256, "", "", 401, nil)
		authJSON(t, "GET", url+"/v1/sealed/"+s.SHA256, "ua-token-0123456789abcd", "", 403, nil)
		var x accord.Sealed
		authJSON(t, "GET", url+"/v1/sealed/"+s.SHA256, "ru-token-0123456789abcd", "", 200, &x)
		if x.Check() != nil || x.Seal != s {
			t.Errorf("seal %s opened to %+v", s.SHA256, x)
		}
		opened += string(x.Content)
	}
	if !strings.Contains(opened, "our logs") || !strings.Contains(opened, "notice to ru") {
		t.Errorf("the seals of %s open to %s", id, opened)
	}
	cp := authJSON(t, "GET", url+"/v1/checkpoint", "", "", 200, nil)
	os.WriteFile(filepath.Join(data, "checkpoint"), []byte(cp), 0o644)
	verify := func(args ...string) string {
		out, errOut, code := runAccord(t, append([]string{"verify", url, "--checkpoint", filepath.Join(data, "checkpoint"), "--log-key", filepath.Join(data, "log.pub")}, args...)...)
		if code != 0 {
			t.Fatalf("verify %v: exit %d %s", args, code, errOut)
		}
		return out
	}
	if out := verify(); !strings.Contains(out, "the engine's state is not replayed") || !strings.Contains(out, "the answer is partial") {
		t.Errorf("verify without a token:\n%s", out)
	}
	if out := verify("--token", "un-token-0123456789abcd"); !strings.Contains(out, "sealed entries opened, each matching its seal") || !strings.Contains(out, "events replayed") {
		t.Errorf("verify as the mediator:\n%s", out)
	}
	authJSON(t, "POST", url+"/v1/consultations/"+id+"/finding", "eu-token-0123456789abcd", `{"outcome":"upheld"}`, 200, nil)
	for _, s := range seals {
		authJSON(t, "GET", url+"/v1/sealed/"+s.SHA256, "", "", 200, nil)
	}
}
