package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/reconstruction"
)

// The reconstruction commands against a real server: a guarantor
// registers a fund, a mediator a project, the guarantor commits under
// the condition phase(permanent) == open and disburses; the agreement
// just started, the condition does not hold: the disbursement is refused,
// the refusal recorded in the record. The OCDS export validates against
// the OCDS 1.1.5 schema; a restarted server replays the same registry.
func TestReconstructionCommands(t *testing.T) {
	dir := t.TempDir()
	tokens := map[string]map[string]string{
		"tok-mediator-0123456789": {"actor": "mediator", "role": accord.RoleMediator},
		"tok-eu-0123456789abcdef": {"actor": "eu", "role": accord.RoleGuarantor},
		"tok-us-0123456789abcdef": {"actor": "us", "role": accord.RoleGuarantor},
	}
	b, _ := json.Marshal(tokens)
	tokPath := filepath.Join(dir, "tokens.json")
	if err := os.WriteFile(tokPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--tokens", tokPath, "--scenario", "none")
	rec := func(token string, wantCode int, args ...string) string {
		t.Helper()
		args = append([]string{"reconstruction"}, append(args, "--server", url, "--token", token)...)
		out, errOut, code := runAccord(t, args...)
		if code != wantCode {
			t.Fatalf("accord %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, wantCode, out, errOut)
		}
		return out + errOut
	}
	const eu, us, med = "tok-eu-0123456789abcdef", "tok-us-0123456789abcdef", "tok-mediator-0123456789"
	if out := rec(eu, 0, "fund", "eu-era", "--source", "loan", "--amount", "1000000", "--currency", "EUR"); !strings.Contains(out, "recorded: fund eu-era") {
		t.Fatalf("fund: %s", out)
	}
	rec(eu, 1, "fund", "bad", "--source", "loan", "--amount", "1.234", "--currency", "EUR")
	rec(med, 0, "project", "kharkiv-grid", "--title", "Kharkiv substation", "--sector", "energy", "--oblast", "kharkivska",
		"--cost", "600000", "--currency", "EUR", "--implementer", "ukrenergo")
	if out := rec(us, 1, "commit", "c0", "--fund", "eu-era", "--project", "kharkiv-grid", "--amount", "100", "--currency", "EUR"); !strings.Contains(out, "own money") {
		t.Fatalf("a commitment of another's fund: %s", out)
	}
	rec(eu, 0, "commit", "c1", "--fund", "eu-era", "--project", "kharkiv-grid", "--amount", "500000", "--currency", "EUR",
		"--condition", "phase(permanent) == open")
	out := rec(eu, 1, "disburse", "d1", "--commitment", "c1", "--amount", "100000.50", "--currency", "EUR")
	if !strings.Contains(out, `condition "phase(permanent) == open" does not hold`) || !strings.Contains(out, "refusal is recorded") {
		t.Fatalf("a disbursement under a condition that does not hold: %s", out)
	}
	var tot reconstruction.Totals
	if err := json.Unmarshal([]byte(rec("", 0, "totals", "--json")), &tot); err != nil {
		t.Fatal(err)
	}
	if tot.Refusals != 1 || len(tot.Funds) != 1 || tot.Funds[0].Committed != 50000000 || tot.Funds[0].Disbursed != 0 ||
		len(tot.Oblasts) != 1 || tot.Oblasts[0].Name != "kharkivska" || tot.Sectors[0].Committed != 50000000 {
		t.Fatalf("totals %+v", tot)
	}
	if out := rec("", 0, "totals"); !strings.Contains(out, "kharkivska") || !strings.Contains(out, "500000.00 EUR") {
		t.Fatalf("totals:\n%s", out)
	}
	// The refusal is an entry of the record.
	resp, err := http.Get(url + "/v1/ledger")
	if err != nil {
		t.Fatal(err)
	}
	led, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var types []string
	ledger.Entries(led, int64(strings.Count(string(led), `"seq":`)), func(i int64, e *ledger.Entry) error {
		if strings.HasPrefix(e.Type, "reconstruction_") {
			types = append(types, e.Type)
		}
		return nil
	})
	if want := "reconstruction_fund reconstruction_project reconstruction_commitment reconstruction_refusal"; strings.Join(types, " ") != want {
		t.Fatalf("the record's registry entries: %v, want %s", types, want)
	}
	// OCDS, validated against the schema; IATI, well-formed.
	ocds := filepath.Join(dir, "ocds.json")
	rec("", 0, "export", "--format", "ocds", "-o", ocds)
	validateOCDS(t, ocds)
	if out := rec("", 0, "export", "--format", "iati"); !strings.Contains(out, "<iati-activities") || !strings.Contains(out, "kharkiv-grid") {
		t.Fatalf("iati: %.300s", out)
	}
	before := rec("", 0, "totals", "--json")
	stop()
	url, stop, _ = startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--tokens", tokPath, "--scenario", "none")
	defer stop()
	if after := rec("", 0, "totals", "--json"); after != before {
		t.Fatalf("a restarted server replays another registry:\n%s\nwant\n%s", after, before)
	}
}

// validateOCDS validates a release package against the OCDS 1.1.5
// schemas stored with package reconstruction's tests.
func validateOCDS(t *testing.T, path string) {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const base = "https://standard.open-contracting.org/schema/1__1__5/"
	for _, name := range []string{"release-package-schema.json", "release-schema.json"} {
		f, err := os.Open(filepath.Join("..", "..", "reconstruction", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(base+name, doc); err != nil {
			t.Fatal(err)
		}
	}
	sch, err := c.Compile(base + "release-package-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Fatalf("the OCDS export does not validate: %v", err)
	}
	var pkg struct {
		Releases []struct {
			OCID string `json:"ocid"`
		} `json:"releases"`
	}
	b, _ := os.ReadFile(path)
	if json.Unmarshal(b, &pkg) != nil || len(pkg.Releases) != 1 || pkg.Releases[0].OCID != "ocds-accord-kharkiv-grid" {
		t.Fatalf("the OCDS export: %.400s", b)
	}
}
