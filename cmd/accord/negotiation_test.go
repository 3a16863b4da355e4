package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/talks"
)

const talksDir = "../../scenarios/ukraine-2025/talks"

// startTalksServer starts a server with a token for the mediator and one
// per party of the reference, and the parties' keys.
func startTalksServer(t *testing.T) (url string, cast *talksCast, stop func() int, data string) {
	t.Helper()
	dir := t.TempDir()
	cast, err := newTalksCast(filepath.Join(dir, "talks"))
	if err != nil {
		t.Fatal(err)
	}
	data = filepath.Join(dir, "data")
	url, stop, _ = startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", data,
		"--tokens", cast.tokensFile(), "--keys", cast.keysFile())
	return url, cast, stop, data
}

// The whole reference negotiation through the CLI: the mediator opens it,
// the five parties submit their positions, the mediator tables the
// 28-point plan, the veto parties answer as honest parties do on their own
// positions, the mediator tables accord's bridge, they answer, and the
// negotiation concludes; ua's reveal file proves its version 1 against the
// server's record, a tampered one does not; bad input is refused with the
// server's message.
func TestNegotiationCLIEndToEnd(t *testing.T) {
	url, cast, stop, _ := startTalksServer(t)
	defer stop()
	reveals := t.TempDir()
	as := func(actor string, args ...string) (string, string, int) {
		t.Helper()
		args = append([]string{"negotiation"}, args...)
		return runAccord(t, append(args, "--server", url, "--token", cast.tokens[actor])...)
	}
	must := func(actor string, args ...string) string {
		t.Helper()
		out, errOut, code := as(actor, args...)
		if code != 0 {
			t.Fatalf("%s %v: exit %d: %s", actor, args, code, errOut)
		}
		return out
	}
	signed := func(p string) []string {
		return []string{"--author", p, "--key", filepath.Join(cast.dir, p+".key")}
	}

	out := must(talksMediator, "open", filepath.Join(talksDir, "public.yaml"))
	if !strings.Contains(out, "negotiation ukraine-2025 opened") || !strings.Contains(out, "mediator mediator") {
		t.Fatalf("open: %s", out)
	}
	for _, p := range cast.parties() {
		out := must(p, append([]string{"position", filepath.Join(talksDir, "positions", p+".yaml"), "--reveal-dir", reveals}, signed(p)...)...)
		want := filepath.Join(reveals, p+".v1.reveal.json")
		if !strings.Contains(out, "position version 1 recorded") || !strings.Contains(out, want) {
			t.Fatalf("position %s: %s", p, out)
		}
	}
	// A party submits a position of another: refused, the server says why.
	_, errOut, code := as("ua", append([]string{"position", filepath.Join(talksDir, "positions", "ru.yaml"), "--reveal-dir", reveals}, signed("ua")...)...)
	if code != 1 || !strings.Contains(errOut, "a position of ru submitted by ua: each party submits its own") {
		t.Errorf("ua submitting ru's position: exit %d %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(reveals, "ru.v2.reveal.json")); err == nil {
		t.Error("a refused position left its reveal file")
	}
	// A reveal file is never replaced: ua's version 1 is still its own.
	pos := filepath.Join(t.TempDir(), "ua.yaml")
	b, _ := os.ReadFile(filepath.Join(talksDir, "positions", "ua.yaml"))
	os.WriteFile(pos, b, 0o644)
	os.WriteFile(filepath.Join(filepath.Dir(pos), "ua.v2.reveal.json"), []byte("{}"), 0o600)
	_, errOut, code = as("ua", append([]string{"position", pos}, signed("ua")...)...)
	if code != 1 || !strings.Contains(errOut, "ua.v2.reveal.json, which keeps the salt, cannot be written; nothing submitted: it exists") {
		t.Errorf("reveal file in the way: exit %d %s", code, errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(filepath.Dir(pos), "ua.v2.reveal.json")); string(b) != "{}" {
		t.Errorf("the reveal file in the way was replaced or removed: %q", b)
	}

	answerRound := func(round int) {
		t.Helper()
		for _, p := range cast.vetoParties() {
			var v talks.PartyView
			if err := json.Unmarshal([]byte(must(p, "status", "ukraine-2025", "--output-format", "json")), &v); err != nil {
				t.Fatal(err)
			}
			if v.Party != p || len(v.Rounds) != round {
				t.Fatalf("%s's view: party %q, %d rounds", p, v.Party, len(v.Rounds))
			}
			a, err := cast.respond(p, v.Rounds[round-1].Text)
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"answer", "ukraine-2025", "--round", itoa(round)}
			if a.Answer == talks.AnswerAccept {
				args = append(args, "--accept")
			} else {
				args = append(args, "--object", strings.Join(a.Issues, ","))
			}
			out := must(p, append(args, signed(p)...)...)
			if !strings.Contains(out, "answer to round "+itoa(round)) {
				t.Fatalf("answer: %s", out)
			}
		}
	}

	out = must(talksMediator, "draft", "ukraine-2025", "--proposal", "us-28-points")
	if !strings.Contains(out, "round 1 on the table (mediator)") || !strings.Contains(out, "acceptable to all: no") {
		t.Fatalf("draft 1: %s", out)
	}
	answerRound(1)
	// Round 1 closed with the veto parties' answers: an answer to it now is
	// refused.
	_, errOut, code = as("cn-gs", append([]string{"answer", "ukraine-2025", "--round", "1", "--accept"}, signed("cn-gs")...)...)
	if code != 1 || !strings.Contains(errOut, "round 1 is closed") {
		t.Errorf("answer to a closed round: exit %d %s", code, errOut)
	}
	out = must(talksMediator, "propose", "ukraine-2025")
	if !strings.Contains(out, "accord proposes (bridge)") {
		t.Errorf("propose: %s", out)
	}
	out = must(talksMediator, "draft", "ukraine-2025", "--method", "bridge")
	if !strings.Contains(out, "round 2 on the table (bridge)") || !strings.Contains(out, "acceptable to all: yes") {
		t.Fatalf("draft 2: %s", out)
	}
	// A party asks about a text of its own: told its evaluation and whether
	// all accept it.
	out = must("ua", append([]string{"request", "ukraine-2025", "--set", "nato=open-door"}, signed("ua")...)...)
	if !strings.Contains(out, "acceptable to all: ") || !strings.Contains(out, "your evaluation: utility") {
		t.Errorf("request: %s", out)
	}
	answerRound(2)

	out = must(talksMediator, "status", "ukraine-2025")
	for _, want := range []string{"round 1 (mediator, closed)", "objects on", "round 2 (bridge, closed)", "acceptable set:", "concessions (utility given up):", "leak (others' red lines determined):", "concluded in round 2"} {
		if !strings.Contains(out, want) {
			t.Errorf("mediator's status lacks %q:\n%s", want, out)
		}
	}
	out = must("ua", "status", "ukraine-2025")
	if !strings.Contains(out, "as ua sees it") || !strings.Contains(out, "your evaluation") || !strings.Contains(out, "concluded in round 2") {
		t.Errorf("ua's status:\n%s", out)
	}
	for _, p := range []string{"ru", "us", "eu"} { // never another party's verdict
		if strings.Contains(out, "  "+p+" ") {
			t.Errorf("ua's status names %s:\n%s", p, out)
		}
	}
	out = must(talksMediator, "status", "ukraine-2025", "--json")
	var mv talks.MediatorView
	if err := json.Unmarshal([]byte(out), &mv); err != nil || mv.Concluded == nil || mv.Concluded.Round != 2 {
		t.Fatalf("mediator's view: %v %+v", err, mv.Concluded)
	}

	// The concluded package's agreement draft; every veto party signs it,
	// the last signature puts it in force. A draft other than the one read
	// is not signed.
	draft := filepath.Join(reveals, "agreement.yaml")
	out = must("ua", "agreement", "ukraine-2025", "--out", draft)
	if !strings.Contains(out, "wrote "+draft+" (SHA-256 ") {
		t.Fatalf("agreement: %s", out)
	}
	if _, errOut, code := as("ua", append([]string{"sign", "ukraine-2025", "--sha256", strings.Repeat("0", 64)}, signed("ua")...)...); code != 1 || !strings.Contains(errOut, "nothing signed") {
		t.Errorf("signing another draft: exit %d %s", code, errOut)
	}
	for i, p := range mv.Agreement.Parties {
		out := must(p, append([]string{"sign", "ukraine-2025"}, signed(p)...)...)
		last := i == len(mv.Agreement.Parties)-1
		if !strings.Contains(out, p+" signed the agreement") || strings.Contains(out, "is in force since") != last {
			t.Errorf("%s signs (last %v): %s", p, last, out)
		}
		// The instant in RFC 3339, in UTC ("2026-12-03T06:47:16Z").
		if last && !regexp.MustCompile(`is in force since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z: `).MatchString(out) {
			t.Errorf("the instant the agreement is in force since is not RFC 3339 in UTC: %s", out)
		}
	}
	if _, errOut, code := as("ua", append([]string{"sign", "ukraine-2025"}, signed("ua")...)...); code != 1 || !strings.Contains(errOut, "signed the agreement already") {
		t.Errorf("signing twice: exit %d %s", code, errOut)
	}

	// The reveal proves ua's version 1 against the server's record.
	rev := filepath.Join(reveals, "ua.v1.reveal.json")
	out, errOut, code = runAccord(t, "negotiation", "reveal", rev, "--ledger", url)
	if code != 0 || !strings.Contains(out, "ua's position version 1 in negotiation ukraine-2025 opens the commitment of ledger entry") || !strings.Contains(out, "the drafts of rounds 1, 2 were evaluated on it") {
		t.Fatalf("reveal: exit %d %s %s", code, out, errOut)
	}
	// A tampered reveal does not.
	var r mediation.Revealed
	b, _ = os.ReadFile(rev)
	json.Unmarshal(b, &r)
	r.Content = strings.Replace(r.Content, "batna: 60", "batna: 50", 1)
	tampered := filepath.Join(reveals, "tampered.json")
	b, _ = json.Marshal(r)
	os.WriteFile(tampered, b, 0o600)
	_, errOut, code = runAccord(t, "negotiation", "reveal", tampered, "--ledger", url)
	if code != 1 || !strings.Contains(errOut, "does not prove ua's position version 1 in negotiation ukraine-2025") || !strings.Contains(errOut, "do not open commitment "+r.Commitment) {
		t.Errorf("tampered reveal: exit %d %s", code, errOut)
	}
	// Usage errors exit 2.
	if _, errOut, code := as("ua", append([]string{"answer", "ukraine-2025", "--round", "2"}, signed("ua")...)...); code != 2 || !strings.Contains(errOut, "give --accept or --object") {
		t.Errorf("answer without a verdict: exit %d %s", code, errOut)
	}
	if _, errOut, code := as("ua", "status", "ukraine-2025", "--output-format", "yaml"); code != 2 || !strings.Contains(errOut, `--output-format "yaml": want text or json`) {
		t.Errorf("status --output-format yaml: exit %d %s", code, errOut)
	}
	if _, errOut, code := runAccord(t, "negotiation", "reveal", rev); code != 2 || !strings.Contains(errOut, "--ledger LEDGER|URL is required") {
		t.Errorf("reveal without --ledger: exit %d %s", code, errOut)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

// The demo's negotiation, over HTTP against a server: two rounds from the
// 28-point plan to a package every veto party accepts, compiled to an
// agreement draft.
func TestNegotiationDemoReference(t *testing.T) {
	url, cast, stop, data := startTalksServer(t)
	defer stop()
	var out strings.Builder
	o, err := negotiateReference(t.Context(), url, cast, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	t.Logf("the negotiation:\n%s", out.String())
	if o.Rounds != 2 || o.Conclusion == nil || o.Agreement == nil || len(o.Agreement.Provisions) == 0 || o.InForce == nil {
		t.Fatalf("rounds %d, conclusion %+v", o.Rounds, o.Conclusion)
	}
	// Every party's reveal file proves its version offline, against the
	// ledger file.
	for _, p := range cast.parties() {
		out, errOut, code := runAccord(t, "negotiation", "reveal", cast.revealFile(p, 1), "--ledger", filepath.Join(data, "ledger"), "--json")
		if code != 0 || !strings.Contains(out, `"opens": true`) || !strings.Contains(out, `"rounds": [`) {
			t.Errorf("reveal %s offline: exit %d %s %s", p, code, out, errOut)
		}
	}
	for _, want := range []string{"the mediator tables proposal us-28-points", "objects on", "the mediator tables accord's bridge text", "concluded in round 2", "provisions", "warning: track ceasefire waits on a sequencing cycle"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the story lacks %q", want)
		}
	}
}
