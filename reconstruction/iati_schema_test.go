package reconstruction

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// xmllint is the path of xmllint, or the test skips — only when the tool
// is absent and ACCORD_REQUIRE_TOOLS is unset (scripts/test installs
// Debian's libxml2-utils; with ACCORD_REQUIRE_TOOLS set a missing tool
// fails the test).
func xmllint(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("ACCORD_REQUIRE_TOOLS") == "" {
			t.Skip("SKIPPED: no xmllint on this machine (Debian's libxml2-utils; scripts/test installs it): the IATI export is not validated against the IATI 2.03 schema")
		}
		t.Fatal("no xmllint on this machine and ACCORD_REQUIRE_TOOLS is set: install libxml2-utils (scripts/test does)")
	}
	return bin
}

// validateIATI validates an IATI document against the IATI 2.03 activity
// schema stored in testdata/iati, offline; it returns xmllint's output
// and whether the document is valid.
func validateIATI(t *testing.T, doc []byte) (string, bool) {
	t.Helper()
	bin := xmllint(t)
	path := filepath.Join(t.TempDir(), "iati.xml")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--noout", "--nonet", "--schema", filepath.Join("testdata", "iati", "iati-activities-schema.xsd"), path).CombinedOutput()
	return string(out), err == nil
}

// The IATI export validates against the IATI 2.03 activity schema — with
// every kind of event in the registry (a refusal and a confirmation
// included, which the export leaves out), several currencies, and a
// commitment without a condition — and the schema catches a broken
// document.
func TestIATIValidatesAgainstSchema(t *testing.T) {
	r := sample(t)
	if _, err := r.Disburse(Disbursement{ID: "d2", Commitment: "c1", Amount: usd(10), At: day(4)}, day(4), stub{snapback: true}); err == nil {
		t.Fatal("no refusal under snapback")
	}
	if _, err := r.Submit(Event{At: day(4), Type: ProjectEv, Project: &Project{ID: "kyiv-homes", Title: "Homes & schools <Kyiv>", Sector: "housing", Oblast: "kyivska", Cost: Money{40000, "CAD"}, Implementer: "kyiv city", Status: Active}}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Submit(Event{At: day(4), Type: CommitmentEv, Commitment: &Commitment{ID: "c9", Fund: "ca-frozen", Project: "kyiv-homes", Amount: Money{30000, "CAD"}, ConfirmBy: []string{"eu"}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Confirm(Confirmation{ID: "k1", Commitment: "c9", Disbursement: "d9", Amount: Money{100, "CAD"}, Guarantor: "eu"}, day(5), stub{}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Disburse(Disbursement{ID: "d9", Commitment: "c9", Amount: Money{100, "CAD"}, At: day(5)}, day(5), stub{}); err != nil {
		t.Fatal(err)
	}
	doc, err := r.IATI(IATIOptions{OrgRef: "XM-ACCORD", OrgName: "accord reconstruction registry", OrgType: "40"})
	if err != nil {
		t.Fatal(err)
	}
	if out, ok := validateIATI(t, doc); !ok {
		t.Fatalf("the IATI export does not validate against the IATI 2.03 schema:\n%s\n%s", out, doc)
	}
	// A registry with a project and no money yet; an empty one has no
	// IATI document (the schema wants an activity at least).
	x := New()
	if _, err := x.IATI(IATIOptions{OrgRef: "XM-ACCORD", OrgName: "accord", OrgType: "40"}); err != ErrNoActivities {
		t.Errorf("an empty registry: %v", err)
	}
	x.Submit(Event{At: day(0), Type: ProjectEv, Project: &Project{ID: "p", Sector: "energy", Oblast: "odeska", Cost: usd(1), Implementer: "x", Status: Cancelled}})
	doc, _ = x.IATI(IATIOptions{OrgRef: "XM-ACCORD", OrgName: "accord", OrgType: "40"})
	if out, ok := validateIATI(t, doc); !ok {
		t.Errorf("a project alone: the IATI export does not validate:\n%s\n%s", out, doc)
	}
	broken := strings.Replace(string(doc), "<activity-status", "<activity-state", 1)
	if out, ok := validateIATI(t, []byte(broken)); ok || !strings.Contains(out, "activity-state") {
		t.Fatalf("the schema took a broken document: %s", out)
	}
}
