package reconstruction

import (
	"bytes"
	"encoding/xml"
	"testing"
)

// The document read back: its activities and transactions (the schema's
// validation is TestIATIValidatesAgainstSchema).
func TestIATI(t *testing.T) {
	r := sample(t)
	o := IATIOptions{OrgRef: "XM-ACCORD", OrgName: "accord reconstruction registry", OrgType: "10"}
	out, err := r.IATI(o)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Replay(r.Log)
	if out2, _ := again.IATI(o); !bytes.Equal(out, out2) {
		t.Error("the export is not deterministic")
	}
	var doc struct {
		Version    string `xml:"version,attr"`
		Activities []struct {
			ID     string `xml:"iati-identifier"`
			Status struct {
				Code string `xml:"code,attr"`
			} `xml:"activity-status"`
			Transactions []struct {
				Ref  string `xml:"ref,attr"`
				Type struct {
					Code string `xml:"code,attr"`
				} `xml:"transaction-type"`
				Value struct {
					Currency string `xml:"currency,attr"`
					Amount   string `xml:",chardata"`
				} `xml:"value"`
			} `xml:"transaction"`
		} `xml:"iati-activity"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if doc.Version != "2.03" || len(doc.Activities) != 2 {
		t.Fatalf("%+v", doc)
	}
	a := doc.Activities[0]
	if a.ID != "XM-ACCORD-kharkiv-grid" || a.Status.Code != "1" || len(a.Transactions) != 2 {
		t.Fatalf("%+v", a)
	}
	c, d := a.Transactions[0], a.Transactions[1]
	if c.Ref != "c1" || c.Type.Code != "2" || c.Value.Amount != "500.00" || d.Ref != "d1" || d.Type.Code != "3" || d.Value.Amount != "200.00" || d.Value.Currency != "USD" {
		t.Errorf("transactions %+v", a.Transactions)
	}
	if _, err := r.IATI(IATIOptions{}); err == nil {
		t.Error("no reporting organisation accepted")
	}
}
