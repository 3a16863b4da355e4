package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
)

// A verifier token is accepted only for an actor an agreement of the record
// makes a verifier: the ICRC with the prisoner exchange beside the main
// agreement, not with the main one alone, and never a party.
func TestServeChecksVerifierTokens(t *testing.T) {
	main, _, err := loadMonitoring("")
	if err != nil {
		t.Fatal(err)
	}
	set, err := loadAgreements([]string{"reference", "prisoner-exchange"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		as     []*agreement.Agreement
		tokens string
		msg    string
	}{
		{"the icrc with the exchange", set, `{"tok-icrc-0123456789abc": {"actor": "icrc", "role": "verifier"},
			"tok-ua-0123456789abcde": {"actor": "ua", "role": "party"}}`, ""},
		{"the icrc without it", []*agreement.Agreement{main}, `{"tok-icrc-0123456789abc": {"actor": "icrc", "role": "verifier"}}`,
			`the token of "icrc" gives it the verifier role, but the agreement ukraine-2025-ceasefire does not: its verifiers are none ("icrc" has no role in it)`},
		{"a party as verifier", set, `{"tok-ru-0123456789abcde": {"actor": "ru", "role": "verifier"}}`,
			`the token of "ru" gives it the verifier role, but the agreement ukraine-2025-ceasefire, ukraine-2025-prisoner-exchange does not: its verifiers are icrc ("ru" is a party, implementer)`},
		{"a guarantor as verifier", set, `{"tok-ae-0123456789abcde": {"actor": "ae", "role": "verifier"}}`,
			`its verifiers are icrc ("ae" is a guarantor, negotiator)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "tokens.json")
			os.WriteFile(path, []byte(tt.tokens), 0o600)
			auth, err := readTokens(path)
			if err != nil {
				t.Fatal(err)
			}
			err = checkTokens(path, auth.Tokens, tt.as, nil)
			if (tt.msg == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%v\nwant %q", err, tt.msg)
			}
		})
	}
}

// exchangeServer starts the reference case (the main agreement and the
// three functional ones) with tokens for the mission, the two parties,
// two guarantors and the ICRC, and the ICRC's key (--keys), its
// agreements in force after a first batch. It returns the URL, the
// tokens by actor and the ICRC's key file.
func exchangeServer(t *testing.T, dir string) (url string, tokens map[string]string, icrcKey string, stop func() int) {
	t.Helper()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	icrcKey = filepath.Join(dir, "icrc.key")
	os.WriteFile(icrcKey, []byte(base64.StdEncoding.EncodeToString(priv)+"\n"), 0o600)
	keys := filepath.Join(dir, "keys.json")
	os.WriteFile(keys, []byte(fmt.Sprintf(`{"icrc": %q}`, base64.StdEncoding.EncodeToString(pub))), 0o644)
	tokens = map[string]string{"mission": "tok-mission-0123456789", "ua": "tok-ua-0123456789abcde", "ru": "tok-ru-0123456789abcde",
		"us": "tok-us-0123456789abcde", "eu": "tok-eu-0123456789abcde", "icrc": "tok-icrc-0123456789abc"}
	file := map[string]api.Principal{tokens["mission"]: {Actor: "mission", Role: accord.RoleMonitor, Owners: []string{"un", "cn", "in", "ru", "ua", "osint"}}}
	for _, p := range []string{"ua", "ru"} {
		file[tokens[p]] = api.Principal{Actor: p, Role: accord.RoleParty}
	}
	for _, g := range []string{"us", "eu"} {
		file[tokens[g]] = api.Principal{Actor: g, Role: accord.RoleGuarantor}
	}
	file[tokens["icrc"]] = api.Principal{Actor: "icrc", Role: accord.RoleVerifier}
	b, _ := json.Marshal(file)
	tf := filepath.Join(dir, "tokens.json")
	os.WriteFile(tf, b, 0o600)
	url, stop, _ = startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--agreement", "reference", "--agreement", "prisoner-exchange",
		"--tokens", tf, "--keys", keys, "--scenario", "none")
	postSimulated(t, url, tokens["mission"], "4", "1h")
	return url, tokens, icrcKey, stop
}

// writeList writes a list of n persons released by a party.
func writeList(t *testing.T, dir, party string, n int) string {
	t.Helper()
	var persons []map[string]string
	for i := range n {
		persons = append(persons, map[string]string{"name": fmt.Sprintf("%s-person-%d", party, i), "born": "1990"})
	}
	b, _ := json.Marshal(persons)
	path := filepath.Join(dir, party+".json")
	os.WriteFile(path, b, 0o600)
	return path
}

// The ICRC records an exchange with 'accord exchange record' on the
// reference case: the counts and commitments are public, the names are
// not; ua and the ICRC open the lists, us, eu and the public are refused; a
// list that counts otherwise than its count is refused, the refusal
// recorded, nothing else written; the all-for-all provision is attested by
// the ICRC through the route a party uses, and refused on a party's word.
func TestExchangeEndToEnd(t *testing.T) {
	dir := t.TempDir()
	url, tok, icrcKey, stop := exchangeServer(t, dir)
	defer stop()
	ru, ua := writeList(t, dir, "ru", 3), writeList(t, dir, "ua", 2)
	ledgerLen := func() int { // the checkpoint's size
		var n int
		lines := strings.Split(authJSON(t, "GET", url+"/v1/checkpoint", "", "", 200, nil), "\n")
		if len(lines) < 2 {
			t.Fatalf("checkpoint %q", lines)
		}
		fmt.Sscan(lines[1], &n)
		return n
	}

	// Recorded, signed by the ICRC.
	out, errOut, code := runAccord(t, "exchange", "record", "--server", url, "--agreement", "prisoner-exchange", "--id", "x1",
		"--list", "ru="+ru, "--list", "ua="+ua, "--key", icrcKey, "--author", "icrc", "--token", tok["icrc"])
	if code != 0 || !strings.Contains(out, "exchange x1 recorded") || !strings.Contains(out, "ru released 3; its list's commitment") || !strings.Contains(out, "attested by icrc") {
		t.Fatalf("record: exit %d\n%s%s", code, out, errOut)
	}

	// Public: the counts, the verifier, the commitments; no name.
	resp, err := http.Get(url + "/v1/exchanges")
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || bytes.Contains(pub, []byte("person-")) {
		t.Fatalf("GET /v1/exchanges: %d %s", resp.StatusCode, pub)
	}
	var v api.ExchangesView
	json.Unmarshal(pub, &v)
	if len(v.Agreements) != 1 || v.Agreements[0].Agreement != "ukraine-2025-prisoner-exchange" || len(v.Agreements[0].Exchanges) != 1 {
		t.Fatalf("exchanges: %s", pub)
	}
	x := v.Agreements[0].Exchanges[0]
	if x.ID != "x1" || x.Counts["ru"] != 3 || x.Counts["ua"] != 2 || len(x.Lists) != 2 || strings.Join(x.Verifiers, ",") != "icrc" ||
		v.Agreements[0].Exchanged["ru"] != 3 || v.Agreements[0].Exchanged["ua"] != 2 || v.Agreements[0].Quotas == nil {
		t.Errorf("exchange: %+v in %s", x, pub)
	}
	out, errOut, code = runAccord(t, "exchange", "list", "--server", url)
	if code != 0 || !strings.Contains(out, "ukraine-2025-prisoner-exchange (parties ua, ru; verifiers icrc): 1 exchange(s)") ||
		!strings.Contains(out, "released in all: ru 3, ua 2") || !strings.Contains(out, "list of ru: "+x.Lists["ru"]) {
		t.Errorf("list: exit %d\n%s%s", code, out, errOut)
	}
	if out, _, code := runAccord(t, "exchange", "list", "--server", url, "--json"); code != 0 || !json.Valid([]byte(out)) {
		t.Errorf("list --json: exit %d %s", code, out)
	}

	// The lists: ua and the ICRC read them, checked; us, eu and the public
	// are refused.
	for _, who := range []string{"ua", "icrc"} {
		out, errOut, code := runAccord(t, "exchange", "open", "--server", url, "--token", tok[who], x.Lists["ru"])
		if code != 0 || strings.Count(out, "\n") != 3 || !strings.Contains(out, `"name":"ru-person-2"`) || !strings.Contains(errOut, "the 3 persons ru released; the list opens its commitment") {
			t.Errorf("open as %s: exit %d\n%s%s", who, code, out, errOut)
		}
	}
	out, _, code = runAccord(t, "exchange", "open", "--server", url, "--token", tok["ru"], x.Lists["ua"], "--json")
	var opened OpenedList
	if code != 0 || json.Unmarshal([]byte(out), &opened) != nil || opened.Party != "ua" || opened.Exchange != "x1" || len(opened.Persons) != 2 {
		t.Errorf("open --json as ru: exit %d %s", code, out)
	}
	for who, want := range map[string]string{"us": "the guarantor role may not read the lists", "eu": "the guarantor role may not read the lists", "": "give a token"} {
		_, errOut, code := runAccord(t, "exchange", "open", "--server", url, "--token", tok[who], x.Lists["ru"])
		if code == 0 || !strings.Contains(errOut, want) || strings.Contains(errOut, "person-") {
			t.Errorf("open as %q: exit %d %s", who, code, errOut)
		}
	}
	authJSON(t, "GET", url+"/v1/exchanges/lists/"+x.Lists["ru"], "", "", 401, nil)
	authJSON(t, "GET", url+"/v1/exchanges/lists/"+x.Lists["ru"], tok["us"], "", 403, nil)
	authJSON(t, "GET", url+"/v1/exchanges/lists/"+x.Lists["ru"], tok["ua"], "", 200, nil)
	authJSON(t, "GET", url+"/v1/exchanges/lists/"+x.Lists["ru"]+"?reader=ru", tok["ua"], "", 403, nil)
	authJSON(t, "GET", url+"/v1/exchanges/lists/"+strings.Repeat("ab", 32), tok["ua"], "", 404, nil)

	// A list that counts otherwise: the count is the body's, the list
	// names one more. Refused, the refusal recorded, nothing else.
	before := ledgerLen()
	key, _ := readAuthorKey(icrcKey)
	lists := map[string][]json.RawMessage{"ru": {json.RawMessage(`"a"`), json.RawMessage(`"b"`)}}
	body, sealed, err := accord.SealExchangeLists("x2", lists)
	if err != nil {
		t.Fatal(err)
	}
	body.Counts["ru"] = 1
	sub, _ := ledger.Sign(key, "icrc", "exchange-x2", accord.SubmissionExchange, body)
	req, _ := json.Marshal(api.ExchangeRequest{Submission: &sub, Lists: sealed})
	msg := authJSON(t, "POST", url+"/v1/exchanges", tok["icrc"], string(req), 400, nil)
	if !strings.Contains(msg, "ru's list names 2 persons; the count is 1") || !strings.Contains(msg, "the refusal recorded") {
		t.Errorf("a bad list: %s", msg)
	}
	if n := ledgerLen(); n != before+1 {
		t.Errorf("a refused exchange wrote %d entries, want 1 (the refusal)", n-before)
	}
	if e := authJSON(t, "GET", fmt.Sprintf("%s/v1/entries/%d", url, before), "", "", 200, nil); !strings.Contains(e, `"refusal"`) ||
		!strings.Contains(e, `"exchange-x2"`) || !strings.Contains(e, "names 2 persons") || strings.Contains(e, `"a"`) {
		t.Errorf("the refusal recorded: %s", e)
	}
	resp, _ = http.Get(url + "/v1/exchanges")
	again, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(again, pub) {
		t.Errorf("a refused exchange changed the exchanges:\n%s\n%s", pub, again)
	}
	for _, who := range []string{"ua", "icrc"} {
		for _, x := range sealed {
			authJSON(t, "GET", url+"/v1/exchanges/lists/"+x.SHA256, tok[who], "", 404, nil)
		}
	}
	// The same through the command: a list not a JSON array is refused
	// before anything is sent.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"name": "x"}`), 0o600)
	before = ledgerLen()
	if _, errOut, code := runAccord(t, "exchange", "record", "--server", url, "--id", "x3", "--list", "ru="+bad, "--key", icrcKey, "--author", "icrc", "--token", tok["icrc"]); code == 0 || !strings.Contains(errOut, "is not a JSON array of persons") {
		t.Errorf("a list not an array: exit %d %s", code, errOut)
	}
	if n := ledgerLen(); n != before {
		t.Errorf("a list refused by the command wrote %d entries", n-before)
	}

	// Who may record: the ICRC's token only, as itself; the unsigned form
	// takes the verifier from the token (the record registers no keys).
	if _, errOut, code := runAccord(t, "exchange", "record", "--server", url, "--id", "x4", "--list", "ru="+ru, "--key", icrcKey, "--author", "icrc", "--token", tok["ua"]); code == 0 || !strings.Contains(errOut, "the party role may not submit exchange") {
		t.Errorf("recorded with a party's token: exit %d %s", code, errOut)
	}
	out, errOut, code = runAccord(t, "exchange", "record", "--server", url, "--agreement", "ukraine-2025-prisoner-exchange", "--id", "x4", "--list", "ua="+ua, "--token", tok["icrc"], "--json")
	var res api.ExchangeResult
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Exchange.ID != "x4" || strings.Join(res.Exchange.Verifiers, ",") != "icrc" {
		t.Errorf("unsigned: exit %d %s%s", code, out, errOut)
	}

	// All for all: a party's word is refused; the ICRC attests it through
	// the route the parties use.
	authJSON(t, "POST", url+"/v1/agreements/ukraine-2025-prisoner-exchange/provisions/all-for-all/done", tok["ua"], `{}`, 400, nil)
	authJSON(t, "POST", url+"/v1/agreements/ukraine-2025-prisoner-exchange/provisions/lists/done", tok["icrc"], `{}`, 400, nil)
	authJSON(t, "POST", url+"/v1/agreements/ukraine-2025-prisoner-exchange/provisions/all-for-all/done", tok["us"], `{}`, 403, nil)
	// (the route takes the ICRC's word: the contract test; here it signs)
	out, errOut, code = runAccord(t, "consult", "done", "ukraine-2025-prisoner-exchange/all-for-all", "--server", url, "--author", "icrc", "--key", icrcKey, "--token", tok["icrc"])
	if code != 0 || !strings.Contains(out, "provision all-for-all is done") {
		t.Errorf("all for all attested by the icrc: exit %d %s%s", code, out, errOut)
	}

	// A third party verifies the record, the exchanges in it.
	cp := authJSON(t, "GET", url+"/v1/checkpoint", "", "", 200, nil)
	os.WriteFile(filepath.Join(dir, "checkpoint"), []byte(cp), 0o644)
	out, errOut, code = runAccord(t, "verify", url, "--checkpoint", filepath.Join(dir, "checkpoint"), "--log-key", filepath.Join(dir, "data", "log.pub"),
		"--agreement", "reference", "--agreement", "prisoner-exchange", "--keys", filepath.Join(dir, "keys.json"))
	if code != 0 || !strings.Contains(out, "entries verified") {
		t.Errorf("verify: exit %d %s %s", code, out, errOut)
	}
}

// On a server without tokens the verifier is named (--author), and a list
// is read by the actor ?reader= names (--reader), still only a party or a
// verifier of the exchange's agreement; with no reader named, 400.
func TestExchangeOpenServer(t *testing.T) {
	dir := t.TempDir()
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"),
		"--agreement", "reference", "--agreement", "prisoner-exchange", "--scenario", "none")
	defer stop()
	ru := writeList(t, dir, "ru", 2)
	if _, errOut, code := runAccord(t, "exchange", "record", "--server", url, "--id", "x1", "--list", "ru="+ru, "--author", "icrc"); code == 0 || !strings.Contains(errOut, "not in force") {
		t.Errorf("before the agreement is in force: exit %d %s", code, errOut)
	}
	postSimulated(t, url, "", "4", "1h")
	if _, errOut, code := runAccord(t, "exchange", "record", "--server", url, "--id", "x1", "--list", "ru="+ru); code == 0 || !strings.Contains(errOut, `the body needs "verifier"`) {
		t.Errorf("no verifier named: exit %d %s", code, errOut)
	}
	if _, errOut, code := runAccord(t, "exchange", "record", "--server", url, "--id", "x1", "--list", "ru="+ru, "--author", "ua"); code == 0 || !strings.Contains(errOut, "ua") {
		t.Errorf("a party as verifier: exit %d %s", code, errOut)
	}
	out, errOut, code := runAccord(t, "exchange", "record", "--server", url, "--id", "x1", "--list", "ru="+ru, "--author", "icrc", "--json")
	var res api.ExchangeResult
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Exchange.Counts["ru"] != 2 {
		t.Fatalf("record: exit %d %s%s", code, out, errOut)
	}
	sha := res.Exchange.Lists["ru"]
	if out, errOut, code := runAccord(t, "exchange", "open", "--server", url, sha, "--reader", "ua"); code != 0 || strings.Count(out, "\n") != 2 {
		t.Errorf("open as ua: exit %d %s%s", code, out, errOut)
	}
	if _, errOut, code := runAccord(t, "exchange", "open", "--server", url, sha, "--reader", "us"); code == 0 || !strings.Contains(errOut, `"us" may not read the lists`) {
		t.Errorf("open as us: exit %d %s", code, errOut)
	}
	if _, errOut, code := runAccord(t, "exchange", "open", "--server", url, sha); code == 0 || !strings.Contains(errOut, "?reader=") {
		t.Errorf("open as nobody: exit %d %s", code, errOut)
	}
	if _, errOut, code := runAccord(t, "exchange", "record", "--server", url, "--list", "ru="+ru); code != 2 || !strings.Contains(errOut, "--id is required") {
		t.Errorf("no --id: exit %d %s", code, errOut)
	}
	if _, errOut, code := runAccord(t, "exchange", "record", "--server", url, "--id", "x2", "--list", "ru"); code != 2 || !strings.Contains(errOut, "want PARTY=FILE.json") {
		t.Errorf("--list without a file: exit %d %s", code, errOut)
	}
}
