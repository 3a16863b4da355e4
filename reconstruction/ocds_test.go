package reconstruction

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

const (
	packageSchema = "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json"
	releaseSchema = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
)

// ocdsSchema compiles the OCDS 1.1.5 release package schema from
// testdata (no network), asserting formats (uri, date-time).
func ocdsSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for url, file := range map[string]string{packageSchema: "testdata/release-package-schema.json", releaseSchema: "testdata/release-schema.json"} {
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if err := c.AddResource(url, doc); err != nil {
			t.Fatal(err)
		}
	}
	sch, err := c.Compile(packageSchema)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

var opts = OCDSOptions{Prefix: "ocds-accord", URI: "https://accord.example/reconstruction/ocds.json", Publisher: "accord reconstruction registry"}

func TestOCDSValidates(t *testing.T) {
	r := sample(t)
	// A cancelled project, and a refusal (not exported).
	if _, err := r.Submit(Event{At: day(4), Type: ProjectEv, Project: &Project{ID: "lviv-school", Sector: "education", Oblast: "lvivska", Cost: Money{90000000, "UAH"}, Implementer: "lviv-city", Status: Cancelled}}); err != nil {
		t.Fatal(err)
	}
	r.Disburse(Disbursement{ID: "d2", Commitment: "c1", Amount: usd(1), At: day(5)}, day(5), stub{snapback: true})
	out, err := r.OCDS(opts)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := ocdsSchema(t).Validate(doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	again, _ := Replay(r.Log)
	if out2, _ := again.OCDS(opts); !bytes.Equal(out, out2) {
		t.Error("the export is not deterministic")
	}

	var pkg struct {
		Releases []struct {
			OCID      string   `json:"ocid"`
			ID        string   `json:"id"`
			Tag       []string `json:"tag"`
			Contracts []struct {
				Implementation struct {
					Transactions []struct {
						ID    string
						Value struct {
							Amount   json.Number
							Currency string
						}
					}
				}
			}
		}
	}
	if err := json.Unmarshal(out, &pkg); err != nil {
		t.Fatal(err)
	}
	if len(pkg.Releases) != 3 {
		t.Fatalf("%d releases", len(pkg.Releases))
	}
	k := pkg.Releases[0]
	if k.OCID != "ocds-accord-kharkiv-grid" || k.ID != "ocds-accord-kharkiv-grid-7" || len(k.Tag) != 5 {
		t.Errorf("release %+v", k)
	}
	tx := k.Contracts[0].Implementation.Transactions
	if len(tx) != 1 || tx[0].ID != "d1" || tx[0].Value.Amount != "200.00" || tx[0].Value.Currency != "USD" {
		t.Errorf("transactions %+v", tx)
	}
}

// The schema does catch a broken package: the test would see a bad export.
func TestOCDSSchemaRefuses(t *testing.T) {
	out, err := sample(t).OCDS(opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][2]string{{`"version": "1.1"`, `"version": "one"`}, {`"currency": "USD"`, `"currency": "XYZ"`}, {`"initiationType": "tender"`, `"initiationType": "gift"`}} {
		b := bytes.Replace(out, []byte(bad[0]), []byte(bad[1]), 1)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if ocdsSchema(t).Validate(doc) == nil {
			t.Errorf("%s accepted", bad[1])
		}
	}
	if _, err := New().OCDS(opts); err == nil {
		t.Error("empty package exported")
	}
}
