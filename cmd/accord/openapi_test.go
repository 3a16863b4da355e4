package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"golang.org/x/mod/sumdb/note"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/ledger"
)

// contractCall is one request of the contract test.
type contractCall struct {
	method, path, ctype, body string
	header                    map[string]string
	code                      int // the status wanted
}

// /openapi.json, as the server serves it, describes the server's real
// answers: every route is called on a running server with data in it
// (simulated observations, open and closed consultations, a ledger), and
// every answer, successes and errors, is validated against the document
// (kin-openapi's openapi3filter.ValidateResponse, undocumented statuses
// refused). Requests no route takes answer JSON errors.
func TestOpenAPIDescribesTheServer(t *testing.T) {
	data := t.TempDir()
	wskey, wvkey, _ := note.GenerateKey(rand.Reader, "ua-witness")
	wsigner, _ := note.NewSigner(wskey)
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--cors-origin", "https://dash.example.org", "--witness-key", wvkey)
	defer stop()
	obsFile, _ := simulateTo(t, "--seed", "4", "--duration", "1h")
	obs, _ := os.ReadFile(obsFile)
	postSimulated(t, url, "", "4", "1h")

	// Consultations in every stage: one closed with a finding, one
	// accepted, the others open.
	var v api.AgreementView
	getJSON(t, url+"/v1/agreement", 200, &v)
	var open []engine.ConsultationState
	for _, c := range v.Consultations {
		if c.Stage == engine.StageNotice {
			open = append(open, c)
		}
	}
	if len(open) < 3 {
		t.Fatalf("want three open notices, have %d of %d consultations", len(open), len(v.Consultations))
	}
	disputed, accepted, pending := open[0], open[1], open[2]
	postJSON(t, url+"/v1/consultations/"+disputed.ID+"/response", `{"party":"`+disputed.Party+`","answer":"dispute","evidence":"radar logs"}`, 200)
	postJSON(t, url+"/v1/consultations/"+disputed.ID+"/finding", `{"guarantor":"us","outcome":"upheld"}`, 200)
	postJSON(t, url+"/v1/consultations/"+accepted.ID+"/response", `{"party":"`+accepted.Party+`","answer":"accept"}`, 200)

	var page api.IncidentList
	getJSON(t, url+"/v1/incidents?limit=5", 200, &page)
	if len(page.Incidents) == 0 {
		t.Fatal("no incidents")
	}
	resp, err := http.Get(url + "/v1/ledger")
	if err != nil {
		t.Fatal(err)
	}
	led, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	seal := ""
	ledger.Entries(led, int64(bytes.Count(led, []byte(`"seq":`))), func(i int64, e *ledger.Entry) error {
		if s, ok := accord.SealOf(e.Body); ok && seal == "" {
			seal = s.SHA256
		}
		return nil
	})
	if seal == "" {
		t.Fatal("no sealed entry in the ledger")
	}
	var size int64
	cp := authJSON(t, "GET", url+"/v1/checkpoint", "", "", 200, nil)
	if lines := strings.Split(cp, "\n"); len(lines) < 2 || func() error { _, err := fmt.Sscan(lines[1], &size); return err }() != nil || size < 3 {
		t.Fatalf("checkpoint %q: no size", cp)
	}
	// A witness's cosignatures: of the checkpoint, of another tree, by a
	// witness the server does not know, a signature of another text.
	cpText := cp[:strings.Index(cp, "\n\n")+1]
	otherTree := strings.Join(append(strings.SplitN(cpText, "\n", 3)[:2], "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"), "\n")
	stranger, _, _ := note.GenerateKey(rand.Reader, "stranger")
	strangerSigner, _ := note.NewSigner(stranger)
	var badSig map[string]string // the signature of another tree
	json.Unmarshal([]byte(cosignBody(t, wsigner, otherTree)), &badSig)
	badSig["checkpoint"] = cpText
	badSigBody, _ := json.Marshal(badSig)

	// The document's bodies other than JSON are strings.
	for _, ct := range []string{"text/html", "image/svg+xml", "text/javascript", "text/csv", "application/vnd.google-earth.kml+xml", "application/xml"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.PlainBodyDecoder)
	}
	openapi3filter.RegisterBodyDecoder("application/geo+json", openapi3filter.JSONBodyDecoder)

	calls := []contractCall{
		{method: "POST", path: "/v1/observations", ctype: "application/x-ndjson", body: string(obs), code: 200},
		{method: "POST", path: "/v1/observations", ctype: "application/x-ndjson", body: "{not json}\n", code: 400},
		{method: "POST", path: "/v1/observations", ctype: "text/plain", body: string(obs), code: 415},
		{method: "GET", path: "/v1/incidents", code: 200},
		{method: "GET", path: "/v1/incidents?closed=true&violations=true&limit=3", code: 200},
		{method: "GET", path: "/v1/incidents?since=yesterday", code: 400},
		{method: "GET", path: "/v1/incidents?format=geojson&limit=3", code: 200},
		{method: "GET", path: "/v1/incidents?format=csv&violations=true", code: 200},
		{method: "GET", path: "/v1/incidents?format=kml", code: 200},
		{method: "GET", path: "/v1/incidents?format=json&limit=2", code: 200},
		{method: "GET", path: "/v1/incidents?format=shp", code: 400},
		{method: "GET", path: "/v1/incidents/" + page.Incidents[0].ID, code: 200},
		{method: "GET", path: "/v1/incidents/nope", code: 404},
		{method: "GET", path: "/v1/feed", code: 200},
		{method: "GET", path: "/v1/feed", header: map[string]string{"Last-Event-ID": "abc"}, code: 400},
		{method: "POST", path: "/v1/submissions", ctype: "application/json", body: `{"type":"nope"}`, code: 400},
		{method: "GET", path: "/v1/checkpoint", code: 200},
		{method: "GET", path: "/v1/checkpoint/cosigned", code: 404},
		{method: "POST", path: "/v1/checkpoint/cosignatures", ctype: "application/json", body: cosignBody(t, wsigner, cpText), code: 200},
		{method: "POST", path: "/v1/checkpoint/cosignatures", ctype: "application/json", body: cosignBody(t, strangerSigner, cpText), code: 403},
		{method: "POST", path: "/v1/checkpoint/cosignatures", ctype: "application/json", body: string(badSigBody), code: 400},
		{method: "POST", path: "/v1/checkpoint/cosignatures", ctype: "application/json", body: `{"witness":"ua-witness"}`, code: 400},
		{method: "POST", path: "/v1/checkpoint/cosignatures", ctype: "application/json", body: cosignBody(t, wsigner, otherTree), code: 409},
		{method: "GET", path: "/v1/checkpoint/cosigned", code: 200},
		{method: "GET", path: "/v1/ledger", code: 200},
		{method: "GET", path: "/v1/entries/0", code: 200},
		{method: "GET", path: fmt.Sprintf("/v1/entries/%d", size-1), code: 200},
		{method: "GET", path: "/v1/entries/999999999", code: 404},
		{method: "GET", path: "/v1/sealed/" + seal, code: 200},
		{method: "GET", path: "/v1/sealed/" + strings.Repeat("0", 64), code: 404},
		{method: "GET", path: fmt.Sprintf("/v1/proofs/inclusion?index=1&size=%d", size), code: 200},
		{method: "GET", path: "/v1/proofs/inclusion?index=x&size=2", code: 400},
		{method: "GET", path: fmt.Sprintf("/v1/proofs/consistency?old=1&size=%d", size), code: 200},
		{method: "GET", path: "/v1/proofs/consistency?old=9&size=2", code: 400},
		{method: "GET", path: "/metrics", code: 200},
		{method: "GET", path: "/openapi.json", code: 200},
		{method: "GET", path: "/", code: 200},
		{method: "GET", path: "/negotiation", code: 200},
		{method: "GET", path: "/web/negotiation.js", code: 200},
		{method: "GET", path: "/web/vendor/topojson-client/topojson-client.min.js", code: 200},
		{method: "GET", path: "/v1/geometry", code: 200},
		{method: "GET", path: "/v1/bands", code: 200},
		{method: "GET", path: "/v1/agreement", code: 200},
		{method: "GET", path: "/v1/agreements", code: 200},
		{method: "GET", path: "/v1/agreements/ukraine-2025-ceasefire", code: 200},
		{method: "GET", path: "/v1/agreements/nope", code: 404},
		{method: "GET", path: "/v1/consultations", code: 200},
		{method: "POST", path: "/v1/consultations/" + pending.ID + "/response", ctype: "application/json", body: `{"party":"` + pending.Party + `","answer":"maybe"}`, code: 400},
		{method: "POST", path: "/v1/consultations/" + pending.ID + "/response", ctype: "application/json", body: `{"party":"` + pending.Party + `","answer":"accept"}`, code: 200},
		{method: "POST", path: "/v1/consultations/nope/response", ctype: "application/json", body: `{"party":"ua","answer":"accept"}`, code: 404},
		{method: "POST", path: "/v1/consultations/" + disputed.ID + "/finding", ctype: "application/json", body: `{"guarantor":"eu","outcome":"proven"}`, code: 400},
		{method: "POST", path: "/v1/consultations/" + disputed.ID + "/finding", ctype: "application/json", body: `{"guarantor":"eu","outcome":"upheld"}`, code: 200},
		{method: "GET", path: "/v1/consultations", code: 200}, // a closed one among them now
		{method: "POST", path: "/v1/provisions/prisoner-exchange/done", ctype: "application/json", body: `{"party":"us"}`, code: 400},
		{method: "POST", path: "/v1/provisions/nope/done", ctype: "application/json", body: `{"party":"ua"}`, code: 404},
		{method: "POST", path: "/v1/agreements/nope/provisions/prisoner-exchange/done", ctype: "application/json", body: `{"party":"ua"}`, code: 404},
		{method: "POST", path: "/v1/provisions/prisoner-exchange/done", ctype: "application/json", body: `{"party":"ua"}`, code: 200},
		{method: "POST", path: "/v1/agreements/ukraine-2025-ceasefire/provisions/heavy-weapons-withdrawal/done", ctype: "application/json", body: `{"party":"ua"}`, code: 200},
		{method: "GET", path: "/v1/compliance", code: 200},
		{method: "GET", path: "/v1/compliance?bucket=1h", code: 200},
		{method: "GET", path: "/v1/compliance?bucket=1s", code: 400},
		{method: "GET", path: "/v1/compliance?agreement=ukraine-2025-ceasefire&bucket=1h", code: 200},
		{method: "GET", path: "/v1/compliance?agreement=nope", code: 400},
		{method: "GET", path: "/v1/scenario", code: 200},
		{method: "GET", path: "/v1/scenario/proposals/us-28-points", code: 200},
		{method: "GET", path: "/v1/scenario/proposals/nope", code: 404},
		{method: "GET", path: "/v1/scenario/matrix", code: 200},
		{method: "GET", path: "/v1/scenario/matrix?format=html", code: 200},
		{method: "GET", path: "/v1/scenario/matrix?format=pdf", code: 400},
		{method: "GET", path: "/v1/scenario/frontier.svg", code: 200},
		{method: "GET", path: "/v1/scenario/frontier.svg?x=nobody", code: 400},
		{method: "GET", path: "/v1/scenario/robust.svg?runs=500&seed=3", code: 200},
		{method: "GET", path: "/v1/scenario/robust.svg?runs=0", code: 400},
		{method: "GET", path: "/v1/scenario/forecast.svg?model=eu", code: 200},
		{method: "GET", path: "/v1/scenario/forecast.svg?model=nope", code: 400},
		// The clock last: a tick may pass deadlines the calls above meet.
		{method: "POST", path: "/v1/clock", ctype: "application/json", body: `{"at":"tomorrow"}`, code: 400},
		{method: "POST", path: "/v1/clock", ctype: "application/json", body: `{"at":"` + v.Now.Add(time.Minute).Format(time.RFC3339Nano) + `"}`, code: 200},
	}

	// The document as served.
	resp, err = http.Get(url + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	ok := map[string]bool{} // operations answered 2xx and valid
	check := func(url string, c contractCall) {
		t.Helper()
		where := c.method + " " + c.path
		if len(where) > 90 {
			where = where[:90] + "…"
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, c.method, url+c.path, strings.NewReader(c.body))
		if c.ctype != "" {
			req.Header.Set("Content-Type", c.ctype)
		}
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		var body []byte
		if resp.Header.Get("Content-Type") != "text/event-stream" {
			// The feed streams until the client goes: its status and
			// header are what is checked.
			body, _ = io.ReadAll(resp.Body)
		}
		resp.Body.Close()
		if resp.StatusCode != c.code {
			t.Errorf("%s: %d %.300s, want %d", where, resp.StatusCode, body, c.code)
			return
		}
		route, params, err := findRoute(router, doc, req)
		if err != nil {
			t.Errorf("%s: not in openapi.json: %v", where, err)
			return
		}
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
			Status:                 resp.StatusCode,
			Header:                 resp.Header,
			Body:                   io.NopCloser(bytes.NewReader(body)),
			Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true, ExcludeResponseBody: body == nil},
		}
		if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
			msg := err.Error()
			if len(msg) > 1500 {
				msg = msg[:1500] + "…"
			}
			t.Errorf("%s: the answer (%d %s) does not match openapi.json: %s", where, resp.StatusCode, resp.Header.Get("Content-Type"), msg)
			return
		}
		if c.code < 300 {
			ok[route.Method+" "+route.Path] = true
		}
	}
	for _, c := range calls {
		check(url, c)
	}

	// Signed submissions need an agreement that registers the authors'
	// keys: a second server with one.
	dir := t.TempDir()
	agreementPath, keys := writeSignedAgreement(t, dir)
	surl, sstop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--agreement", agreementPath, "--scenario", "none")
	defer sstop()
	sig, err := api.SignBatch(keys["mission"], "mission", "batch-1", obs, api.ObservationLines(obs))
	if err != nil {
		t.Fatal(err)
	}
	check(surl, contractCall{method: "POST", path: "/v1/observations", ctype: "application/x-ndjson", body: string(obs),
		header: map[string]string{api.HeaderAuthor: "mission", api.HeaderID: "batch-1", api.HeaderSignature: sig}, code: 200})
	var sv api.AgreementView
	getJSON(t, surl+"/v1/agreement", 200, &sv)
	var notice engine.ConsultationState
	for _, x := range sv.Consultations {
		if x.Stage == engine.StageNotice && keys[x.Party] != nil {
			notice = x
			break
		}
	}
	if notice.ID == "" {
		t.Fatalf("no open notice to a party with a key among %d consultations", len(sv.Consultations))
	}
	sub, err := ledger.Sign(keys[notice.Party], notice.Party, "response-1", accord.SubmissionResponse, accord.ResponseBody{Consultation: notice.ID, Answer: "dispute", Evidence: "radar logs"})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ = json.Marshal(sub)
	check(surl, contractCall{method: "POST", path: "/v1/submissions", ctype: "application/json", body: string(raw), code: 200})
	check(surl, contractCall{method: "POST", path: "/v1/consultations/" + notice.ID + "/response", ctype: "application/json", body: `{"party":"` + notice.Party + `","answer":"accept"}`, code: 401})
	check(surl, contractCall{method: "POST", path: "/v1/provisions/prisoner-exchange/done", ctype: "application/json", body: `{"party":"ua"}`, code: 401})

	contractNegotiation(t, check)
	contractReconstruction(t, check)
	contractCorridor(t, url, check)
	contractExchange(t, check)

	var missing []string
	for _, r := range api.Routes {
		if !ok[r] {
			missing = append(missing, r)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("routes without a valid success checked: %v", missing)
	}

	// Requests no route takes: JSON errors, in the document's Error form.
	errSchema := doc.Components.Schemas["Error"].Value
	for _, c := range []contractCall{
		{method: "GET", path: "/nope", code: 404},
		{method: "DELETE", path: "/v1/incidents", code: 405},
		{method: "PATCH", path: "/v1/consultations/" + pending.ID + "/response", code: 405},
	} {
		req, _ := http.NewRequest(c.method, url+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e any
		if resp.StatusCode != c.code || resp.Header.Get("Content-Type") != "application/json" || json.Unmarshal(b, &e) != nil {
			t.Errorf("%s %s: %d %s %s, want %d JSON", c.method, c.path, resp.StatusCode, resp.Header.Get("Content-Type"), b, c.code)
			continue
		}
		if err := errSchema.VisitJSON(e, openapi3.EnableJSONSchema2020()); err != nil {
			t.Errorf("%s %s: %s is not an Error: %v", c.method, c.path, b, err)
		}
	}

	// CORS (serve --cors-origin): a browser's preflight and its request.
	pre, _ := http.NewRequest("OPTIONS", url+"/v1/consultations/"+pending.ID+"/response", nil)
	pre.Header.Set("Origin", "https://dash.example.org")
	pre.Header.Set("Access-Control-Request-Method", "POST")
	pre.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	resp, err = http.DefaultClient.Do(pre)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "https://dash.example.org" || !strings.Contains(resp.Header.Get("Access-Control-Allow-Methods"), "POST") || !strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("preflight: %d %v", resp.StatusCode, resp.Header)
	}
	get, _ := http.NewRequest("GET", url+"/v1/incidents?limit=1", nil)
	get.Header.Set("Origin", "https://dash.example.org")
	resp, err = http.DefaultClient.Do(get)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "https://dash.example.org" {
		t.Errorf("cross-origin GET: %d, Access-Control-Allow-Origin %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	get.Header.Set("Origin", "https://elsewhere.example")
	resp, err = http.DefaultClient.Do(get)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if h := resp.Header.Get("Access-Control-Allow-Origin"); h != "" {
		t.Errorf("an origin not allowed got Access-Control-Allow-Origin %q", h)
	}
	if _, errOut, code := runAccord(t, "serve", "--cors-origin", "https://dash.example.org/", "--data", t.TempDir()); code != 2 || !strings.Contains(errOut, "--cors-origin") {
		t.Errorf("a bad --cors-origin: exit %d %s", code, errOut)
	}
}

// findRoute is the document's operation for a request; the static assets
// under /web/ are one operation, GET /web/.
func findRoute(r routers.Router, doc *openapi3.T, req *http.Request) (*routers.Route, map[string]string, error) {
	if strings.HasPrefix(req.URL.Path, "/web/") {
		item := doc.Paths.Value("/web/")
		if item == nil || item.Get == nil {
			return nil, nil, fmt.Errorf("no GET /web/")
		}
		return &routers.Route{Spec: doc, Path: "/web/", PathItem: item, Method: "GET", Operation: item.Get}, nil, nil
	}
	return r.FindRoute(req)
}
