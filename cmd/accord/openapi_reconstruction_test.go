package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/accord-peace/accord"
)

// contractReconstruction calls every route of the reconstruction registry
// through check (the contract test's) on a server with tokens: a
// guarantor funds, a mediator registers a project, the guarantor commits
// and disburses, a second guarantor confirms a disbursement of a
// commitment that names it, refusals among the answers.
func contractReconstruction(t *testing.T, check func(string, contractCall)) {
	t.Helper()
	dir := t.TempDir()
	tokens := map[string]map[string]string{
		"tok-mediator-0123456789": {"actor": "mediator", "role": accord.RoleMediator},
		"tok-eu-0123456789abcdef": {"actor": "eu", "role": accord.RoleGuarantor},
		"tok-ua-0123456789abcdef": {"actor": "ua", "role": accord.RoleParty},
		"tok-us-0123456789abcdef": {"actor": "us", "role": accord.RoleGuarantor},
	}
	b, _ := json.Marshal(tokens)
	path := filepath.Join(dir, "tokens.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--tokens", path, "--scenario", "none")
	defer stop()
	auth := map[string]string{"mediator": "tok-mediator-0123456789", "eu": "tok-eu-0123456789abcdef", "ua": "tok-ua-0123456789abcdef", "us": "tok-us-0123456789abcdef"}
	call := func(actor, method, path, body string, code int) {
		c := contractCall{method: method, path: path, body: body, code: code}
		if actor != "" {
			c.header = map[string]string{"Authorization": "Bearer " + auth[actor]}
		}
		if body != "" {
			c.ctype = "application/json"
		}
		check(url, c)
	}
	const r = "/v1/reconstruction"
	call("", "GET", r, "", 200)
	call("", "GET", r+"/export?format=iati", "", 404)
	call("", "POST", r+"/funds", `{"id":"eu-era","source":"loan","amount":{"amount":100000000,"currency":"EUR"}}`, 401)
	call("ua", "POST", r+"/funds", `{"id":"eu-era","source":"loan","owner":"eu","amount":{"amount":100000000,"currency":"EUR"}}`, 403)
	call("eu", "POST", r+"/funds", `{"id":"eu-era","source":"loan","amount":{"amount":100000000,"currency":"XXX"}}`, 400)
	call("eu", "POST", r+"/funds", `{"id":"eu-era","source":"loan","amount":{"amount":100000000,"currency":"EUR"}}`, 201)
	call("eu", "POST", r+"/projects", `{"id":"grid","sector":"energy","oblast":"kharkivska","cost":{"amount":50000000,"currency":"EUR"},"implementer":"ukrenergo"}`, 403)
	call("mediator", "POST", r+"/projects", `{"id":"grid","sector":"energy","oblast":"kharkivska","cost":{"amount":50000000,"currency":"EUR"},"implementer":"ukrenergo","status":"soon"}`, 400)
	call("mediator", "POST", r+"/projects", `{"id":"grid","title":"Kharkiv substation","sector":"energy","oblast":"kharkivska","cost":{"amount":50000000,"currency":"EUR"},"implementer":"ukrenergo"}`, 201)
	call("eu", "POST", r+"/commitments", `{"id":"c1","fund":"eu-era","project":"grid","amount":{"amount":90000000,"currency":"EUR"}}`, 400)
	call("ua", "POST", r+"/commitments", `{"id":"c1","fund":"eu-era","project":"grid","amount":{"amount":10000000,"currency":"EUR"}}`, 403)
	call("eu", "POST", r+"/commitments", `{"id":"c1","fund":"eu-era","project":"grid","amount":{"amount":10000000,"currency":"EUR"},"condition":"phase(permanent) == open"}`, 201)
	call("eu", "POST", r+"/commitments", `{"id":"c2","fund":"eu-era","project":"grid","amount":{"amount":20000000,"currency":"EUR"}}`, 201)
	call("eu", "POST", r+"/disbursements", `{"id":"d1","commitment":"c1","amount":{"amount":1000000,"currency":"EUR"}}`, 400)
	call("eu", "POST", r+"/disbursements", `{"id":"d2","commitment":"c2","amount":{"amount":1000000,"currency":"EUR"}}`, 201)
	// A commitment confirmed by a guarantor: its disbursement waits for us.
	call("eu", "POST", r+"/commitments", `{"id":"c3","fund":"eu-era","project":"grid","amount":{"amount":5000000,"currency":"EUR"},"confirm_by":["ua"]}`, 400)
	call("eu", "POST", r+"/commitments", `{"id":"c3","fund":"eu-era","project":"grid","amount":{"amount":5000000,"currency":"EUR"},"confirm_by":["us"]}`, 201)
	call("eu", "POST", r+"/disbursements", `{"id":"d3","commitment":"c3","amount":{"amount":1000000,"currency":"EUR"}}`, 400)
	const k1 = `{"id":"k1","commitment":"c3","disbursement":"d3","amount":{"amount":1000000,"currency":"EUR"}}`
	call("", "POST", r+"/confirmations", k1, 401)
	call("ua", "POST", r+"/confirmations", k1, 403)
	call("eu", "POST", r+"/confirmations", k1, 403)
	call("us", "POST", r+"/confirmations", `{"id":"k0","commitment":"c9","disbursement":"d3","amount":{"amount":1000000,"currency":"EUR"}}`, 400)
	call("us", "POST", r+"/confirmations", k1, 201)
	call("eu", "POST", r+"/disbursements", `{"id":"d3","commitment":"c3","amount":{"amount":1000000,"currency":"EUR"}}`, 201)
	call("", "GET", r, "", 200)
	call("", "GET", r+"/series", "", 200)
	call("", "GET", r+"/export?format=ocds", "", 200)
	call("", "GET", r+"/export?format=iati", "", 200)
	call("", "GET", r+"/export?format=csv", "", 400)
}
