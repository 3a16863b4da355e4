package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/funding"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// openapi.json describes exactly the routes the server registers, and every
// route answers (no 404 or 405 from the mux).
func TestOpenAPIInSync(t *testing.T) {
	data, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Fatalf("openapi.json: %v %q", err, doc.OpenAPI)
	}
	var described []string
	for path, ops := range doc.Paths {
		for method := range ops {
			described = append(described, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(described)
	routes := slices.Clone(api.Routes)
	sort.Strings(routes)
	if !slices.Equal(described, routes) {
		t.Errorf("openapi.json describes\n%v\nthe server registers\n%v", described, routes)
	}
	l, err := ledger.OpenLedger(filepath.Join(t.TempDir(), "l"), &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s := api.NewServer(newMission(t, monitor.NewMemStore(), l))
	s.Record = &api.Record{Ledger: l, Origin: "o"}
	s.Feed = &api.Feed{Ledger: l}
	s.Metrics = api.NewMetrics(func() float64 { return 0 }, func() float64 { return float64(l.Len()) })
	s.Mediation = newMediation(t, l)
	if s.Funding, err = funding.Open(t.Context(), funding.Config{Ledger: l}); err != nil {
		t.Fatal(err)
	}
	h := s.Handler()
	for _, r := range api.Routes {
		method, path, _ := strings.Cut(r, " ")
		path = strings.ReplaceAll(path, "{index}", "0")
		if path == "/v1/feed" {
			continue // streams until the client goes
		}
		req := httptest.NewRequest(method, path, strings.NewReader("x"))
		rec := httptest.NewRecorder()
		func() {
			// This server has no store nor pipeline: a handler that needs
			// them may panic; what is checked here is the routing.
			defer func() { _ = recover() }()
			h.ServeHTTP(rec, req)
		}()
		if rec.Code == http.StatusMethodNotAllowed || strings.Contains(rec.Body.String(), "no such route") {
			t.Errorf("%s: %d from the mux: %s", r, rec.Code, rec.Body)
		}
	}
}

// openapi.json is a valid OpenAPI 3.1 document, and every operation has an
// operationId of its own (client generators name their functions by it).
func TestOpenAPIDocumentValid(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	seen := map[string]string{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			where := method + " " + path
			switch {
			case op.OperationID == "":
				t.Errorf("%s: no operationId", where)
			case seen[op.OperationID] != "":
				t.Errorf("%s: operationId %q is %s's too", where, op.OperationID, seen[op.OperationID])
			default:
				seen[op.OperationID] = where
			}
		}
	}
}
