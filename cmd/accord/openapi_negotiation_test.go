package main

import (
	"cmp"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/scenarios"
	"github.com/accord-peace/accord/talks"
)

// contractNegotiation runs the reference negotiation to the agreement's
// entry into force on a server with tokens and the parties' keys, every
// negotiation route called through check (the contract test's).
func contractNegotiation(t *testing.T, check func(string, contractCall)) {
	t.Helper()
	dir := t.TempDir()
	data, _ := scenarios.FS.ReadFile(scenarios.ReferenceScenario)
	whole, err := scenario.Parse("reference", data)
	if err != nil {
		t.Fatal(err)
	}
	public, files, err := scenario.Split(whole)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]ed25519.PrivateKey{}
	pubs := map[string]string{}
	tokens := map[string]map[string]string{"tok-mediator-0123456789": {"actor": "mediator", "role": accord.RoleMediator}}
	auth := map[string]string{"mediator": "Bearer tok-mediator-0123456789"}
	for _, p := range whole.Parties {
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		keys[p.ID], pubs[p.ID] = priv, base64.StdEncoding.EncodeToString(pub)
		tok := "tok-" + p.ID + "-0123456789abcdef"
		tokens[tok] = map[string]string{"actor": p.ID, "role": accord.RoleParty}
		auth[p.ID] = "Bearer " + tok
	}
	write := func(name string, v any) string {
		b, _ := json.Marshal(v)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"),
		"--tokens", write("tokens.json", tokens), "--keys", write("keys.json", pubs))
	defer stop()
	const id = "ukraine-2025"
	as := func(actor string) map[string]string { return map[string]string{"Authorization": auth[actor]} }
	call := func(actor, method, path string, body any, code int) {
		raw := ""
		if body != nil {
			b, _ := json.Marshal(body)
			raw = string(b)
		}
		c := contractCall{method: method, path: path, header: as(actor), body: raw, code: code}
		if body != nil {
			c.ctype = "application/json"
		}
		check(url, c)
	}
	seq := 0
	submit := func(party, route string, e talks.Event, content []byte) {
		seq++
		e.Party, e.Negotiation = party, id
		x, err := mediation.Seal(func(s ledger.Submission) (ledger.Submission, error) {
			return ledger.Sign(keys[party], s.Author, s.ID, s.Type, s.Body)
		}, e, fmt.Sprintf("contract-%d", seq), content)
		if err != nil {
			t.Fatal(err)
		}
		call(party, "POST", "/v1/negotiations/"+id+"/"+route, x, 200)
	}
	call("", "GET", "/v1/negotiations", nil, 401)
	call("mediator", "POST", "/v1/negotiations", mediation.Opening{Public: string(public)}, 201)
	call("ua", "GET", "/v1/negotiations", nil, 200)
	call("ua", "GET", "/v1/negotiations/"+id+"/public", nil, 200)
	for _, p := range whole.Parties {
		submit(p.ID, "positions", talks.Event{Type: talks.TypePosition, Version: 1}, files[p.ID])
	}
	call("ua", "GET", "/v1/negotiations/"+id+"/positions/ua", nil, 200)
	call("ru", "GET", "/v1/negotiations/"+id+"/positions/ua", nil, 403)
	call("mediator", "GET", "/v1/negotiations/"+id+"/proposal?method=common-security", nil, 200)
	call("ua", "GET", "/v1/negotiations/"+id+"/proposal", nil, 403)
	call("ua", "GET", "/v1/negotiations/"+id+"/agreement", nil, 400)
	parties := slices.Clone(whole.Parties) // parties without a veto answer first: the last veto answer closes the round
	slices.SortStableFunc(parties, func(a, b accord.Party) int { return cmp.Compare(fmt.Sprint(a.Veto), fmt.Sprint(b.Veto)) })
	for round, d := range []mediation.DraftRequest{{Proposal: "us-28-points"}, {Method: talks.MethodBridge}} {
		call("mediator", "POST", "/v1/negotiations/"+id+"/drafts", d, 201)
		call("mediator", "GET", "/v1/negotiations/"+id, nil, 200)
		var text map[string]string
		if round == 0 {
			p, _ := whole.Proposal("us-28-points")
			text = p.Choices
		} else {
			plan, _ := whole.Proposal("us-28-points")
			text = negotiate.Compile(whole).BridgeProposal(plan, negotiate.Options{}).Package
		}
		q, _ := json.Marshal(talks.Request{Text: map[string]string{"crimea": "defacto-reserved"}})
		submit("ua", "requests", talks.Event{Type: talks.TypeRequest, Round: round + 1}, q)
		for _, p := range parties {
			a, _ := json.Marshal(talks.Respond(whole, p.ID, whole.Positions[p.ID], text))
			submit(p.ID, "answers", talks.Event{Type: talks.TypeAnswer, Round: round + 1}, a)
		}
	}
	call("ua", "GET", "/v1/negotiations/"+id, nil, 200)
	call("ua", "GET", "/v1/negotiations/"+id+"/agreement", nil, 200)
	var view talks.PartyView
	getJSONAuth(t, url+"/v1/negotiations/"+id, auth["ua"], &view)
	if view.Agreement == nil {
		t.Fatalf("the reference negotiation did not conclude: %+v", view.Concluded)
	}
	for _, p := range view.Agreement.Parties {
		seq++
		sub, _ := ledger.Sign(keys[p], p, fmt.Sprintf("contract-%d", seq), talks.TypeSigned,
			talks.Event{Type: talks.TypeSigned, Negotiation: id, Party: p, Agreement: view.Agreement.SHA256})
		call(p, "POST", "/v1/negotiations/"+id+"/signatures", sub, 200)
	}
}

// getJSONAuth gets a JSON answer with a bearer token.
func getJSONAuth(t *testing.T, url, auth string, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}
