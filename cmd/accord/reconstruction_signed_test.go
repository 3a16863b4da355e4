package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
)

// With the authors' keys in the agreement, 'accord reconstruction' signs
// every fund, commitment, disbursement and confirmation with --author and
// --key: unsigned or signed with another's key, the server refuses and
// records nothing; a disbursement whose commitment names a guarantor in
// --confirm-by waits for 'accord reconstruction confirm' by it; 'accord
// verify' checks the record, the registry's submissions with it.
func TestReconstructionSignedCommands(t *testing.T) {
	dir := t.TempDir()
	agreementPath, _ := writeSignedAgreement(t, dir)
	tokens := map[string]map[string]string{
		"tok-mediator-0123456789": {"actor": "mediator", "role": accord.RoleMediator},
		"tok-eu-0123456789abcdef": {"actor": "eu", "role": accord.RoleGuarantor},
		"tok-us-0123456789abcdef": {"actor": "us", "role": accord.RoleGuarantor},
		"tok-mission-0123456789a": {"actor": "mission", "role": accord.RoleMonitor},
	}
	b, _ := json.Marshal(tokens)
	tokPath := filepath.Join(dir, "tokens.json")
	os.WriteFile(tokPath, b, 0o600)
	data := filepath.Join(dir, "data")
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--agreement", agreementPath, "--tokens", tokPath, "--scenario", "none")
	defer stop()
	const eu, us, med = "tok-eu-0123456789abcdef", "tok-us-0123456789abcdef", "tok-mediator-0123456789"
	key := func(who string) string { return filepath.Join(dir, who+".key") }
	rec := func(token string, wantCode int, args ...string) string {
		t.Helper()
		args = append([]string{"reconstruction"}, append(args, "--server", url, "--token", token)...)
		out, errOut, code := runAccord(t, args...)
		if code != wantCode {
			t.Fatalf("accord %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, wantCode, out, errOut)
		}
		return out + errOut
	}
	fund := []string{"fund", "eu-era", "--source", "loan", "--amount", "1000", "--currency", "EUR"}
	if out := rec(eu, 1, fund...); !strings.Contains(out, "a fund must be a submission signed by its author") {
		t.Fatalf("unsigned: %s", out)
	}
	if out := rec(eu, 1, append(fund, "--author", "eu", "--key", key("us"))...); !strings.Contains(out, "does not verify with eu's key") {
		t.Fatalf("another's key: %s", out)
	}
	if out := rec(eu, 2, append(fund, "--author", "eu")...); !strings.Contains(out, "--author and --key go together") {
		t.Fatalf("no key: %s", out)
	}
	rec(eu, 0, append(fund, "--author", "eu", "--key", key("eu"))...)
	rec(med, 0, "project", "grid", "--sector", "energy", "--oblast", "kharkivska", "--cost", "800", "--currency", "EUR", "--implementer", "ukrenergo")
	rec(eu, 0, "commit", "c1", "--fund", "eu-era", "--project", "grid", "--amount", "500", "--currency", "EUR", "--confirm-by", "us", "--author", "eu", "--key", key("eu"))
	disburse := []string{"disburse", "d1", "--commitment", "c1", "--amount", "100", "--currency", "EUR", "--author", "eu", "--key", key("eu")}
	if out := rec(eu, 1, disburse...); !strings.Contains(out, "awaits guarantor us's confirmation of 100.00 EUR") || !strings.Contains(out, "refusal is recorded") {
		t.Fatalf("unconfirmed: %s", out)
	}
	confirm := []string{"confirm", "k1", "--commitment", "c1", "--disbursement", "d1", "--amount", "100", "--currency", "EUR"}
	if out := rec(eu, 1, append(confirm, "--author", "eu", "--key", key("eu"))...); !strings.Contains(out, "eu may not confirm disbursements of commitment c1") {
		t.Fatalf("a guarantor the commitment does not name: %s", out)
	}
	if out := rec(us, 0, append(confirm, "--author", "us", "--key", key("us"))...); !strings.Contains(out, "recorded: confirmation k1") {
		t.Fatalf("confirm: %s", out)
	}
	if out := rec(eu, 0, disburse...); !strings.Contains(out, "recorded: disbursement d1") {
		t.Fatalf("confirmed: %s", out)
	}
	cp, _ := http.Get(url + "/v1/checkpoint")
	var cpb bytes.Buffer
	cpb.ReadFrom(cp.Body)
	cp.Body.Close()
	os.WriteFile(filepath.Join(dir, "checkpoint"), cpb.Bytes(), 0o644)
	if out, errOut, code := runAccord(t, "verify", url, "--checkpoint", filepath.Join(dir, "checkpoint"), "--log-key", filepath.Join(data, "log.pub"), "--agreement", agreementPath); code != 0 {
		t.Errorf("verify: exit %d %s %s", code, out, errOut)
	}
}
