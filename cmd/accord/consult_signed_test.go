package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/engine"
)

// writeSignedAgreement copies the reference agreement into dir with a keys
// section for the mission, the parties and the guarantors, and writes each
// author's private key file as 'accord ledger keygen --author' does.
func writeSignedAgreement(t *testing.T, dir string) (path string, keys map[string]ed25519.PrivateKey) {
	t.Helper()
	src, err := os.ReadFile("../../scenarios/ukraine-2025/agreement.yaml")
	if err != nil {
		t.Fatal(err)
	}
	geometry, _ := os.ReadFile("../../scenarios/ukraine-2025/monitoring/geometry.geojson")
	os.MkdirAll(filepath.Join(dir, "monitoring"), 0o755)
	os.WriteFile(filepath.Join(dir, "monitoring", "geometry.geojson"), geometry, 0o644)
	keys = map[string]ed25519.PrivateKey{}
	var section strings.Builder
	section.WriteString("\nkeys:\n")
	for _, who := range []string{"mission", "ru", "ua", "us", "eu"} {
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		keys[who] = priv
		fmt.Fprintf(&section, "  %s: %s\n", who, base64.StdEncoding.EncodeToString(pub))
		os.WriteFile(filepath.Join(dir, who+".key"), []byte(base64.StdEncoding.EncodeToString(priv)+"\n"+base64.StdEncoding.EncodeToString(pub)+"\n"), 0o600)
	}
	path = filepath.Join(dir, "agreement.yaml")
	os.WriteFile(path, append(src, section.String()...), 0o644)
	return path, keys
}

// With the authors' keys in the agreement, a party answers and the
// guarantors sign with 'accord consult', signed with their keys; the
// unsigned routes refuse; 'accord verify' replays the record and attributes
// every answer and signature to its author.
func TestConsultSignedEndToEnd(t *testing.T) {
	dir := t.TempDir()
	agreementPath, keys := writeSignedAgreement(t, dir)
	data := filepath.Join(dir, "data")
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data, "--agreement", agreementPath, "--scenario", "none")
	defer stop()
	obs, _ := simulateTo(t, "--seed", "4", "--duration", "1h")
	body, _ := os.ReadFile(obs)
	sig, err := api.SignBatch(keys["mission"], "mission", "batch-1", body, api.ObservationLines(body))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", url+"/v1/observations", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set(api.HeaderAuthor, "mission")
	req.Header.Set(api.HeaderID, "batch-1")
	req.Header.Set(api.HeaderSignature, sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("signed batch: %v %v %s", err, resp.Status, b)
	}
	resp.Body.Close()
	var v api.AgreementView
	getJSON(t, url+"/v1/agreement", 200, &v)
	var c engine.ConsultationState
	for _, x := range v.Consultations {
		if x.Stage == engine.StageNotice && (x.Party == "ru" || x.Party == "ua") {
			c = x
			break
		}
	}
	if c.ID == "" {
		t.Fatalf("no open notice among %d consultations", len(v.Consultations))
	}
	// The unsigned route refuses: the agreement registers keys.
	_, msg := postJSON(t, url+"/v1/consultations/"+c.ID+"/response", `{"party":"`+c.Party+`","answer":"dispute","evidence":"x"}`, 401)
	if !strings.Contains(msg, "must be signed by its party") {
		t.Errorf("unsigned answer: %s", msg)
	}
	consult := func(args ...string) (string, string, int) {
		return runAccord(t, append([]string{"consult"}, append(args, "--server", url)...)...)
	}
	// Signed with another party's key: refused, and the command says why.
	other := "ua"
	if c.Party == "ua" {
		other = "ru"
	}
	if _, errOut, code := consult("respond", c.ID, "--answer", "dispute", "--evidence", "our logs", "--author", c.Party, "--key", filepath.Join(dir, other+".key")); code != 1 || !strings.Contains(errOut, "signature does not verify") {
		t.Errorf("wrong key: exit %d %s", code, errOut)
	}
	if _, errOut, code := consult("respond", c.ID, "--answer", "maybe", "--author", c.Party, "--key", filepath.Join(dir, c.Party+".key")); code != 2 || !strings.Contains(errOut, "want accept or dispute") {
		t.Errorf("bad answer: exit %d %s", code, errOut)
	}
	out, errOut, code := consult("respond", c.ID, "--answer", "dispute", "--evidence", "our logs <radar> & drones", "--author", c.Party, "--key", filepath.Join(dir, c.Party+".key"))
	if code != 0 || !strings.Contains(out, "recorded as ledger entry") || !strings.Contains(out, "at stage joint") {
		t.Fatalf("respond: exit %d %s %s", code, out, errOut)
	}
	out, errOut, code = consult("sign", c.ID, "--outcome", "dismissed", "--evidence", "radar logs", "--author", "us", "--key", filepath.Join(dir, "us.key"))
	if code != 0 || !strings.Contains(out, "signed by us: dismissed") {
		t.Fatalf("sign us: exit %d %s %s", code, out, errOut)
	}
	out, errOut, code = consult("sign", c.ID, "--outcome", "dismissed", "--evidence", "radar logs", "--author", "eu", "--key", filepath.Join(dir, "eu.key"), "--json")
	if code != 0 || !strings.Contains(out, `"outcome":"dismissed"`) {
		t.Fatalf("sign eu: exit %d %s %s", code, out, errOut)
	}
	// A provision done, signed by its party; a second time is refused.
	out, errOut, code = consult("done", "prisoner-exchange", "--author", "ua", "--key", filepath.Join(dir, "ua.key"))
	if code != 0 || !strings.Contains(out, "provision prisoner-exchange is") {
		t.Fatalf("done: exit %d %s %s", code, out, errOut)
	}
	if _, errOut, code := consult("done", "prisoner-exchange", "--author", "ua", "--key", filepath.Join(dir, "ua.key")); code != 1 || !strings.Contains(errOut, "refused") {
		t.Errorf("done twice: exit %d %s", code, errOut)
	}
	// verify attributes each to its author.
	cp, _ := http.Get(url + "/v1/checkpoint")
	var cpb bytes.Buffer
	cpb.ReadFrom(cp.Body)
	cp.Body.Close()
	os.WriteFile(filepath.Join(dir, "checkpoint"), cpb.Bytes(), 0o644)
	out, errOut, code = runAccord(t, "verify", url, "--checkpoint", filepath.Join(dir, "checkpoint"), "--log-key", filepath.Join(data, "log.pub"), "--agreement", agreementPath)
	if code != 0 || !strings.Contains(out, "4 responses, finding signatures and provisions done, each signed by its author") {
		t.Errorf("verify: exit %d %s %s", code, out, errOut)
	}
}
