package api_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/forecast"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/render"
	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/scenarios"
)

// GET /v1/scenario/forecast.svg draws the served scenario's forecast as
// accord forecast does (the same input, the same model, the same chart):
// smp by default, each model on ?model=, an unknown model refused.
func TestForecastChart(t *testing.T) {
	data, _ := scenarios.FS.ReadFile(scenarios.ReferenceScenario)
	sc, err := scenario.Parse("reference", data)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&api.Server{Scenario: negotiate.Compile(sc)}).Handler())
	defer srv.Close()
	get := func(path string) (int, string, []byte) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), body
	}
	in, err := forecast.ScenarioInput(sc)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"", "?model=smp", "?model=eu", "?model=compromise", "?model=eu"} {
		code, ctype, body := get("/v1/scenario/forecast.svg" + q)
		if code != 200 || ctype != "image/svg+xml" {
			t.Fatalf("%q: %d %s %s", q, code, ctype, body)
		}
		model := strings.TrimPrefix(q, "?model=")
		if model == "" {
			model = forecast.ModelSMP
		}
		fc, _, err := forecast.Run(in, model, forecast.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := render.ForecastSVG(&want, fc); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(body, want.Bytes()) {
			t.Errorf("%q: not accord forecast's chart of the %s model", q, model)
		}
		if err := xml.Unmarshal(body, new(struct{})); err != nil {
			t.Errorf("%q: not XML: %v", q, err)
		}
	}
	code, _, body := get("/v1/scenario/forecast.svg?model=nope")
	var e api.ErrorBody
	json.Unmarshal(body, &e)
	if code != 400 || e.Code != "invalid" || e.Message != `model "nope": want smp, eu or compromise` {
		t.Errorf("unknown model: %d %s", code, body)
	}
	// A scenario the models cannot run on (one party with positions): 422
	// with the reason.
	one := &accord.Scenario{ID: "one", Parties: []accord.Party{{ID: "x"}, {ID: "y"}},
		Issues:    []accord.Issue{{ID: "i", Options: []accord.Option{{ID: "a"}, {ID: "b"}}}},
		Positions: map[string]*accord.Position{"x": {Issues: map[string]accord.IssuePosition{"i": {Weight: 1, Utility: map[string]float64{"a": 100}}}}}}
	lone := httptest.NewServer((&api.Server{Scenario: negotiate.Compile(one)}).Handler())
	defer lone.Close()
	resp, err := http.Get(lone.URL + "/v1/scenario/forecast.svg")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || !strings.Contains(string(body), "1 actor(s); a forecast needs at least two") {
		t.Errorf("one party: %d %s", resp.StatusCode, body)
	}
	// Without a scenario, 404 as the other scenario routes.
	bare := httptest.NewServer((&api.Server{}).Handler())
	defer bare.Close()
	resp, err = http.Get(bare.URL + "/v1/scenario/forecast.svg")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("no scenario: %d", resp.StatusCode)
	}
}
