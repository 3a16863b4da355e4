package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/ledger"
)

// contractExchange calls the exchange routes through check (the contract
// test's) on the reference agreement with the prisoner exchange beside it,
// with tokens and the ICRC's key: an exchange signed and one unsigned
// recorded, refusals among the answers; the lists read by a party and
// refused to a guarantor and the public; the all-for-all provision
// attested by the ICRC.
func contractExchange(t *testing.T, check func(string, contractCall)) {
	t.Helper()
	dir := t.TempDir()
	url, tok, icrcKey, stop := exchangeServer(t, dir)
	defer stop()
	call := func(actor, method, path, body string, code int) {
		c := contractCall{method: method, path: path, body: body, code: code}
		if actor != "" {
			c.header = map[string]string{"Authorization": "Bearer " + tok[actor]}
		}
		if body != "" {
			c.ctype = "application/json"
		}
		check(url, c)
	}
	key, err := readAuthorKey(icrcKey)
	if err != nil {
		t.Fatal(err)
	}
	persons := func(n int) []json.RawMessage {
		var out []json.RawMessage
		for i := range n {
			out = append(out, json.RawMessage(`{"n":`+strings.Repeat("1", i+1)+`}`))
		}
		return out
	}
	body, sealed, err := accord.SealExchangeLists("c1", map[string][]json.RawMessage{"ru": persons(2), "ua": persons(3)})
	if err != nil {
		t.Fatal(err)
	}
	body.Agreement = "ukraine-2025-prisoner-exchange"
	sub, _ := ledger.Sign(key, "icrc", "exchange-c1", accord.SubmissionExchange, body)
	signed, _ := json.Marshal(api.ExchangeRequest{Submission: &sub, Lists: sealed})
	call("", "GET", "/v1/exchanges", "", 200)
	call("", "POST", "/v1/exchanges", string(signed), 401)
	call("ua", "POST", "/v1/exchanges", string(signed), 403)
	call("icrc", "POST", "/v1/exchanges", `{"lists": []}`, 400)
	call("icrc", "POST", "/v1/exchanges", string(signed), 200)
	call("icrc", "POST", "/v1/exchanges", string(signed), 400) // a replay, recorded
	check(url, contractCall{method: "POST", path: "/v1/exchanges", ctype: "text/plain", body: string(signed), code: 415,
		header: map[string]string{"Authorization": "Bearer " + tok["icrc"]}})
	ub, usealed, _ := accord.SealExchangeLists("c2", map[string][]json.RawMessage{"ua": persons(1)})
	unsigned, _ := json.Marshal(api.ExchangeRequest{Exchange: &ub, Lists: usealed})
	call("icrc", "POST", "/v1/exchanges", string(unsigned), 200)
	call("", "GET", "/v1/exchanges", "", 200)
	list := "/v1/exchanges/lists/" + body.Lists["ru"]
	call("ua", "GET", list, "", 200)
	call("icrc", "GET", list, "", 200)
	call("", "GET", list, "", 401)
	call("us", "GET", list, "", 403)
	call("ua", "GET", list+"?reader=ru", "", 403)
	call("ua", "GET", "/v1/exchanges/lists/"+strings.Repeat("0", 64), "", 404)
	call("ua", "POST", "/v1/agreements/ukraine-2025-prisoner-exchange/provisions/all-for-all/done", `{}`, 400)
	call("icrc", "POST", "/v1/agreements/ukraine-2025-prisoner-exchange/provisions/all-for-all/done", `{}`, 200)
}
