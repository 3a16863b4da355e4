package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/scenarios"
	"github.com/accord-peace/accord/talks"
)

// markup is planted among every position's sources too: the page must
// show it as text, never run it.
const markup = `<img src=x onerror=window.pwned=1>`

// negotiationServer is 'accord serve' with tokens for a mediator and the
// reference scenario's parties and the parties' keys (--keys), and the
// reference negotiation run to its conclusion over its routes: the
// positions (each with a canary of its own among its sources), the US
// 28 points as the first draft, every party's answer, accord's bridge as
// the second, accepted by all.
type negotiationServer struct {
	t       *testing.T
	url     string
	tokens  map[string]string // actor → token
	canary  map[string]string // party → the canary planted in its position
	parties []string
}

func startNegotiation(t *testing.T) (*negotiationServer, func() int) {
	t.Helper()
	data, err := scenarios.FS.ReadFile(scenarios.ReferenceScenario)
	if err != nil {
		t.Fatal(err)
	}
	whole, err := scenario.Parse("reference", data)
	if err != nil {
		t.Fatal(err)
	}
	public, files, err := scenario.Split(whole)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ns := &negotiationServer{t: t, tokens: map[string]string{}, canary: map[string]string{}}
	keys, pubs, toks := map[string]ed25519.PrivateKey{}, map[string]string{}, map[string]map[string]string{}
	token := func(actor, role string) {
		b := make([]byte, 16)
		rand.Read(b)
		ns.tokens[actor] = hex.EncodeToString(b)
		toks[ns.tokens[actor]] = map[string]string{"actor": actor, "role": role}
	}
	token("mediator", "mediator")
	for _, p := range whole.Parties {
		ns.parties = append(ns.parties, p.ID)
		pk, sk, _ := ed25519.GenerateKey(rand.Reader)
		keys[p.ID], pubs[p.ID] = sk, base64.StdEncoding.EncodeToString(pk)
		token(p.ID, "party")
		b := make([]byte, 6)
		rand.Read(b)
		ns.canary[p.ID] = "canary-" + p.ID + "-" + hex.EncodeToString(b)
		planted := bytes.Replace(files[p.ID], []byte("sources: ["), []byte("sources: ["+ns.canary[p.ID]+", "+markup+", "), 1)
		if bytes.Equal(planted, files[p.ID]) {
			t.Fatalf("%s's position has no sources list to plant a canary in", p.ID)
		}
		files[p.ID] = planted
	}
	writeJSON := func(name string, v any) string {
		b, _ := json.Marshal(v)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"),
		"--tokens", writeJSON("tokens.json", toks), "--keys", writeJSON("keys.json", pubs))
	ns.url = url

	const id = "ukraine-2025"
	ns.call("mediator", "POST", "/v1/negotiations", mediation.Opening{Public: string(public)}, nil)
	seq := 0
	submit := func(party, route string, e talks.Event, content []byte) {
		seq++
		e.Party, e.Negotiation = party, id
		x, err := mediation.Seal(func(s ledger.Submission) (ledger.Submission, error) {
			return ledger.Sign(keys[party], s.Author, s.ID, s.Type, s.Body)
		}, e, fmt.Sprintf("%s-%d", e.Type, seq), content)
		if err != nil {
			t.Fatal(err)
		}
		ns.call(party, "POST", "/v1/negotiations/"+id+"/"+route, x, nil)
	}
	for _, p := range ns.parties {
		submit(p, "positions", talks.Event{Type: talks.TypePosition, Version: 1}, files[p])
	}
	answerAll := func(round int) {
		for _, p := range []string{"us", "ru", "ua", "eu"} {
			var v talks.PartyView
			ns.call(p, "GET", "/v1/negotiations/"+id, nil, &v)
			b, _ := json.Marshal(talks.Respond(whole, p, whole.Positions[p], v.Rounds[round-1].Text))
			submit(p, "answers", talks.Event{Type: talks.TypeAnswer, Round: round}, b)
		}
	}
	ns.call("mediator", "POST", "/v1/negotiations/"+id+"/drafts", mediation.DraftRequest{Proposal: "us-28-points"}, nil)
	answerAll(1)
	ns.call("mediator", "POST", "/v1/negotiations/"+id+"/drafts", mediation.DraftRequest{Method: talks.MethodBridge}, nil)
	answerAll(2)
	var mv talks.MediatorView
	ns.call("mediator", "GET", "/v1/negotiations/"+id, nil, &mv)
	if mv.Concluded == nil || mv.Concluded.Round != 2 || len(mv.Rounds) != 2 {
		t.Fatalf("the reference negotiation did not conclude in round 2: %d rounds, %+v", len(mv.Rounds), mv.Concluded)
	}
	return ns, stop
}

// call sends a request with actor's token, the body as JSON, and decodes
// the answer into out; anything but 2xx fails the test.
func (ns *negotiationServer) call(actor, method, path string, body, out any) {
	ns.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, ns.url+path, r)
	req.Header.Set("Authorization", "Bearer "+ns.tokens[actor])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		ns.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		ns.t.Fatalf("%s %s as %s: %d %s", method, path, actor, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			ns.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// In a real headless Chromium, the negotiation's page (GET /negotiation)
// after the reference negotiation has concluded: signed in with the
// mediator's token it draws the round table (2 rounds), the concessions
// chart (a line per party, a point per round), the leak, the conclusion
// and every party's position; signed in with ua's token, ua's own
// position, its evaluation and answer of each draft, and nothing of the
// others' positions (the canaries planted in their sources are nowhere in
// the page). The token is never in the address. A screenshot of the
// mediator's page is kept in testdata/artifacts.
func TestNegotiationPageInChromium(t *testing.T) {
	bin := browser(t)
	ns, stop := startNegotiation(t)
	defer stop()

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
		chromedp.WindowSize(1280, 1000), chromedp.Flag("disable-gpu", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	signIn := func(actor, role string) {
		t.Helper()
		err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`#signout`)),
			chromedp.WaitNotPresent(chromedp.CSS(`body[data-ready]`)),
			chromedp.SendKeys(chromedp.CSS(`#token`), ns.tokens[actor]),
			chromedp.Click(chromedp.CSS(`#signin-button`)),
		)
		if err != nil {
			t.Fatalf("signing in as %s: %v", actor, err)
		}
		if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.body.dataset.ready === "`+role+`"`, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
			status, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("status").textContent`))
			t.Fatalf("the %s's view did not draw: %v (status %q)", role, err, status)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(ns.url+"/negotiation"), chromedp.WaitVisible(chromedp.CSS(`#token`))); err != nil {
		t.Fatal(err)
	}

	// The mediator.
	signIn("mediator", "mediator")
	n := len(ns.parties)
	for _, check := range []struct{ what, js string }{
		{"the round table's 2 rounds", `document.querySelectorAll("#rounds tr.round").length === 2`},
		{"a verdict per party per round", fmt.Sprintf(`document.querySelectorAll("#rounds tr.round .verdict").length === 2 * %d`, n)},
		{"round 2 acceptable to all, its changes listed", `document.querySelector('#rounds tr[data-round="2"] .badge.yes') !== null && document.querySelectorAll('#rounds tr[data-round="2"] li.change').length >= 3`},
		{"the acceptable set's size", `/^[0-9]/.test(document.querySelector('#rounds tr[data-round="1"] .acceptable').textContent)`},
		{"a concession line per party", fmt.Sprintf(`document.querySelectorAll("#concessions polyline.concession").length === %d`, n)},
		{"a point per round on every line", `[...document.querySelectorAll("#concessions polyline.concession")].every(l => l.getAttribute("points").trim().split(/\s+/).length === 2 && document.querySelectorAll('#concessions circle.point[data-party="' + l.dataset.party + '"]').length === 2)`},
		{"the leak per party per round", fmt.Sprintf(`document.querySelectorAll("#leak tbody tr").length === %d && document.querySelectorAll("#leak tbody td").length === 2 * %d`, n, n)},
		{"the conclusion in round 2", `document.querySelector("#conclusion .badge.yes").textContent.includes("2") && document.querySelectorAll("#conclusion table.package tr").length >= 10`},
		{"the agreement awaiting its four signatures", `document.querySelector("#signatures").textContent.includes("0 of 4") && document.querySelector("#in-force") === null`},
		{"every party's position", fmt.Sprintf(`document.querySelectorAll("#positions pre.position").length === %d`, n)},
		{"the text's history", `document.querySelectorAll("#history tbody tr").length >= 10 && document.querySelectorAll("#history td.changed").length >= 3`},
	} {
		if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](check.js, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Errorf("mediator: %s: not drawn (%s): %v", check.what, check.js, err)
		}
	}
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, markup) {
		t.Errorf("mediator: the markup planted in the positions is not shown as text")
	}
	if ran, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.pwned !== undefined || document.querySelector("#view img") !== null`)); err != nil || ran {
		t.Errorf("mediator: the markup planted in the positions became markup (%v)", err)
	}
	for _, p := range ns.parties {
		if !strings.Contains(text, ns.canary[p]) {
			t.Errorf("mediator: %s's position (canary %s) is not on the page", p, ns.canary[p])
		}
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("testdata", "artifacts")
	os.MkdirAll(dir, 0o755)
	if err := os.WriteFile(filepath.Join(dir, "negotiation.png"), shot, 0o644); err != nil {
		t.Error(err)
	}
	// The first 1400 pixels alone (docs/negotiation.png): the conclusion,
	// the round table, the concessions chart.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 1400)); err == nil {
		if top, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
			os.WriteFile(filepath.Join(dir, "negotiation-top.png"), top, 0o644)
		}
		chromedp.Do(ctx, chromedp.EmulateReset())
	}

	// Party ua: its own position, evaluations and answers, and nothing of
	// the others' positions anywhere in the page.
	signIn("ua", "party")
	for _, check := range []struct{ what, js string }{
		{"its own position", `document.getElementById("own-position").textContent.includes("party: ua") && document.querySelectorAll("#versions li").length === 1`},
		{"its evaluation of each draft", `document.querySelectorAll("#evaluations tr.evaluation").length === 2 && [...document.querySelectorAll("#evaluations .utility")].every(e => /^[0-9]/.test(e.textContent))`},
		{"its answers: an objection naming red-line issues, then acceptance", `document.querySelector('#evaluations tr[data-round="1"] .answer').textContent.includes("crimea") && document.querySelector('#evaluations tr[data-round="2"] .answer') !== null`},
		{"the text's history", `document.querySelectorAll("#history thead th").length === 3 && document.querySelectorAll("#history td.changed").length >= 3`},
		{"the conclusion", `document.querySelector("#conclusion .badge.yes") !== null`},
		{"no other party's position", `document.querySelectorAll("pre.position").length === 1 && document.querySelector("#concessions, #rounds, #leak") === null`},
	} {
		if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](check.js, chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Errorf("ua: %s: not drawn (%s): %v", check.what, check.js, err)
		}
	}
	if shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(90)); err == nil {
		os.WriteFile(filepath.Join(dir, "negotiation-party.png"), shot, 0o644)
	}
	page, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[document.body.innerText, document.documentElement.outerHTML, location.href]`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page[0], ns.canary["ua"]) {
		t.Errorf("ua: its own position (canary %s) is not on the page", ns.canary["ua"])
	}
	for _, p := range ns.parties {
		if p != "ua" && (strings.Contains(page[0], ns.canary[p]) || strings.Contains(page[1], ns.canary[p])) {
			t.Errorf("ua's page holds %s's position (canary %s)", p, ns.canary[p])
		}
	}
	for actor, tok := range ns.tokens {
		if strings.Contains(page[2], tok) || strings.Contains(page[1], tok) {
			t.Errorf("%s's token is in the page's address or markup", actor)
		}
	}
	// The labels in Ukrainian and Russian.
	for lang, want := range map[string]string{"uk": "Ваша позиція", "ru": "Ваша позиция", "en": "Your position"} {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const s = document.getElementById("lang"); s.value = "`+lang+`"; s.dispatchEvent(new Event("change")); return [...document.querySelectorAll("#view h2")].map(h => h.textContent).join("|"); })()`))
		if err != nil || !strings.Contains(got, want) {
			t.Errorf("language %s: headings %q (%v), want %q among them", lang, got, err, want)
		}
	}
	t.Logf("screenshot %s (%d bytes)", filepath.Join(dir, "negotiation.png"), len(shot))
}
