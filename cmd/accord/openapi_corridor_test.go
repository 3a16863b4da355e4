package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/accord-peace/accord/mission"
)

// startCorridor starts a server running the reference agreement with the
// grain corridor beside it, fed 72 hours of the simulated corridor's
// vessels (accord simulate --grain, no front), and returns its address
// and the corridor it then serves.
func startCorridor(t *testing.T) (url string, stop func() int, c mission.Corridor) {
	t.Helper()
	obsFile, _ := simulateTo(t, "--seed", "2", "--duration", "72h", "--rate", "0", "--false-alarms", "0", "--grain")
	body, err := os.ReadFile(obsFile)
	if err != nil {
		t.Fatal(err)
	}
	url, stop, _ = startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "data"),
		"--agreement", "reference", "--agreement", "grain-corridor", "--scenario", "none")
	resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
	if err != nil {
		stop()
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		stop()
		t.Fatalf("post the corridor's observations: %d", resp.StatusCode)
	}
	getJSON(t, url+"/v1/corridor", 200, &c)
	return url, stop, c
}

// contractCorridor calls GET /v1/corridor through check (the contract
// test's): on a server with the grain corridor fed simulated vessels, and
// on plain, the contract test's server of the reference agreement alone
// (404: no corridor section).
func contractCorridor(t *testing.T, plain string, check func(string, contractCall)) {
	t.Helper()
	url, stop, c := startCorridor(t)
	defer stop()
	check(url, contractCall{method: "GET", path: "/v1/corridor", code: 200})
	check(url, contractCall{method: "GET", path: "/v1/corridor?day=2025-12-02", code: 400})
	check(plain, contractCall{method: "GET", path: "/v1/corridor", code: 404})
	t.Logf("corridor: %d days %+v, %d vessels, %d under way", len(c.Days), c.Days, len(c.Vessels), c.UnderWay)
	if c.Agreement != "ukraine-2025-grain-corridor" || len(c.Days) < 2 || c.Voyages == 0 || c.TonnageT <= 0 || len(c.Vessels) == 0 {
		t.Errorf("corridor: %+v", c)
	}
}
