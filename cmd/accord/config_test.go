package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/pgtest"
)

// configReport is 'accord config check --json'.
type configReport struct {
	Valid    bool           `json:"valid"`
	Settings []configSource `json:"settings"`
	Problems []string       `json:"problems"`
}

func (r configReport) setting(key string) configSource {
	for _, s := range r.Settings {
		if s.Key == key {
			return s
		}
	}
	return configSource{}
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Each setting comes from the first source that sets it: flag, environment,
// file, default; the listing says which, and a repeatable flag takes a list
// from the file and a comma list from the environment.
func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	file := writeFile(t, dir, "accord.yaml", strings.Join([]string{
		"addr: 127.0.0.1:7001", // line 1: overridden by env and flag below
		"origin: from/file",    // line 2
		"feed-clients: 30",     // line 3
		"cors-origin: [https://a.example, https://b.example]", // line 4
		"data: " + data, // line 5
		"store: postgres://u:s3cret@db.example:5432/accord", // line 6
	}, "\n"))
	tests := []struct {
		name string
		env  map[string]string
		args []string
		key  string
		want configSource
	}{
		{"default", nil, nil, "idle-timeout", configSource{"idle-timeout", "30s", "default"}},
		{"file", nil, nil, "origin", configSource{"origin", "from/file", "file " + file + ":2"}},
		{"file list", nil, nil, "cors-origin", configSource{"cors-origin", "https://a.example,https://b.example", "file " + file + ":4"}},
		{"file password redacted", nil, nil, "store", configSource{"store", "postgres://u:xxxxx@db.example:5432/accord", "file " + file + ":6"}},
		{"env over file", map[string]string{"ACCORD_ADDR": "127.0.0.1:7002"}, nil, "addr", configSource{"addr", "127.0.0.1:7002", "env ACCORD_ADDR"}},
		{"env over default", map[string]string{"ACCORD_HEADER_TIMEOUT": "7s"}, nil, "header-timeout", configSource{"header-timeout", "7s", "env ACCORD_HEADER_TIMEOUT"}},
		{"env comma list", map[string]string{"ACCORD_AGREEMENT": "reference, reference"}, nil, "agreement", configSource{"agreement", "reference,reference", "env ACCORD_AGREEMENT"}},
		{"flag over env and file", map[string]string{"ACCORD_ADDR": "127.0.0.1:7002"}, []string{"--addr", "127.0.0.1:7003"}, "addr", configSource{"addr", "127.0.0.1:7003", "flag"}},
		{"flag over file", nil, []string{"--feed-clients", "40"}, "feed-clients", configSource{"feed-clients", "40", "flag"}},
		{"ACCORD_CONFIG names the file", map[string]string{"ACCORD_CONFIG": file}, nil, "origin", configSource{"origin", "from/file", "file " + file + ":2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			args := []string{"config", "check", "--json"}
			if _, ok := tt.env["ACCORD_CONFIG"]; !ok {
				args = append(args, "--config", file)
			}
			out, errs, code := runAccord(t, append(args, tt.args...)...)
			var r configReport
			if err := json.Unmarshal([]byte(out), &r); err != nil {
				t.Fatalf("exit %d, not JSON: %v\n%s\n%s", code, err, out, errs)
			}
			if got := r.setting(tt.key); got != tt.want {
				t.Errorf("%s = %+v, want %+v", tt.key, got, tt.want)
			}
			if strings.Contains(out+errs, "s3cret") {
				t.Errorf("the store's password is printed: %s %s", out, errs)
			}
		})
	}
}

// A file, an environment variable or a value that the server cannot take is
// refused by serve as a wrong command line (exit 2) and by config check as
// an invalid configuration (exit 1), naming the line, the key or the
// variable; config check lists every problem at once.
func TestConfigRefused(t *testing.T) {
	dir := t.TempDir()
	unknown := writeFile(t, dir, "unknown.yaml", "addr: 127.0.0.1:0\n\nlisten: :8080\n")
	badValue := writeFile(t, dir, "bad.yaml", "feed-per-addr: several\n")
	list := writeFile(t, dir, "list.yaml", "addr: [a, b]\n")
	twoDocs := writeFile(t, dir, "two.yaml", "# settings\n---\naddr: 127.0.0.1:0\n---\nstore: postgres://u@db/x\ntokens: /etc/accord/tokens.json\n")
	tokens := writeFile(t, dir, "tokens.json", `{"guarantor-token-0123456789": {"actor": "ru", "role": "guarantor"}}`)
	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		msgs []string
	}{
		{"serve: unknown key with its line", nil, []string{"serve", "--config", unknown}, 2, []string{unknown + `:3: unknown key "listen"`, "Run 'accord serve --help'"}},
		{"check: unknown key with its line", nil, []string{"config", "check", "--config", unknown, "--data", dir}, 1, []string{unknown + `:3: unknown key "listen"`}},
		{"serve: bad value in the file", nil, []string{"serve", "--config", badValue}, 2, []string{badValue + `:1: feed-per-addr "several"`}},
		{"serve: a list for a single value", nil, []string{"serve", "--config", list}, 2, []string{list + `:1: addr: want one value, not a list`}},
		// A second document was read by nothing: serve started on SQLite,
		// open to every caller, with the store and tokens it names unset.
		{"serve: a second YAML document", nil, []string{"serve", "--config", twoDocs}, 2, []string{twoDocs + `:4: a second YAML document`}},
		{"check: a second YAML document", nil, []string{"config", "check", "--config", twoDocs, "--data", dir}, 1, []string{twoDocs + `:4: a second YAML document`}},
		{"serve: bad env value named with its variable", map[string]string{"ACCORD_BODY_TIMEOUT": "soon"}, []string{"serve", "--data", dir}, 2, []string{`ACCORD_BODY_TIMEOUT="soon"`}},
		{"check: bad env value named with its variable", map[string]string{"ACCORD_FEED_CLIENTS": "all"}, []string{"config", "check", "--data", dir}, 1, []string{`ACCORD_FEED_CLIENTS="all"`}},
		{"serve: env value the server refuses", map[string]string{"ACCORD_ADDR": "nowhere"}, []string{"serve", "--data", dir}, 2, []string{`--addr "nowhere": want HOST:PORT`, "(set by env ACCORD_ADDR)"}},
		{"check: file value the server refuses", nil, []string{"config", "check", "--config", writeFile(t, dir, "zero.yaml", "origin: x\nidle-timeout: 0s\n"), "--data", dir}, 1, []string{"--idle-timeout 0s: want a duration above 0", "(set by file " + filepath.Join(dir, "zero.yaml") + ":2)"}},
		{"serve: missing file", nil, []string{"serve", "--config", filepath.Join(dir, "none.yaml")}, 2, []string{"none.yaml: "}},
		{"check: missing file named by its variable", map[string]string{"ACCORD_CONFIG": filepath.Join(dir, "none.yaml")}, []string{"config", "check", "--data", dir}, 1, []string{"ACCORD_CONFIG=" + filepath.Join(dir, "none.yaml") + ": "}},
		{"check: several problems at once", map[string]string{"ACCORD_STORE": "mysql://x", "ACCORD_FEED_PER_ADDR": "0"},
			[]string{"config", "check", "--config", unknown, "--addr", "nowhere", "--agreement", filepath.Join(dir, "missing.yaml"), "--tokens", tokens, "--keys", filepath.Join(dir, "keys.json"), "--data", filepath.Join(tokens, "sub")}, 1,
			[]string{"problem(s)", `unknown key "listen"`, `--addr "nowhere"`, "--feed-per-addr 0", "(set by env ACCORD_FEED_PER_ADDR)", "missing.yaml", "--keys", "--data", `--store "mysql://x"`, "(set by env ACCORD_STORE)"}},
		{"check: tokens that do not match the agreement", nil, []string{"config", "check", "--tokens", tokens, "--data", dir}, 1, []string{`the token of "ru" gives it the guarantor role`}},
		// Given empty: an unset variable in a script, not the default
		// (--store "$PG" served SQLite, --tokens "$T" an open server).
		{"serve: an empty store", nil, []string{"serve", "--store", "", "--data", dir}, 2, []string{`--store "": empty (flag); leave it out for its default, which is "sqlite"`}},
		{"check: empty tokens in the file", nil, []string{"config", "check", "--config", writeFile(t, dir, "empty.yaml", "tokens:\n"), "--data", dir}, 1, []string{`--tokens "": empty (file ` + filepath.Join(dir, "empty.yaml") + `:1)`}},
		// What the witness role reads at start, config check reads too;
		// what it would ignore is said.
		{"check: a witness's key that is not there", nil, []string{"config", "check", "--role", "witness", "--witness-server", "http://127.0.0.1:1", "--witness-log-key", "notakey", "--key", filepath.Join(dir, "nokey"), "--data", dir}, 1, []string{"--key " + filepath.Join(dir, "nokey"), `--witness-log-key "notakey": neither a file nor`}},
		{"serve: a witness given tokens", nil, []string{"serve", "--role", "witness", "--witness-server", "http://127.0.0.1:1", "--witness-log-key", "x", "--key", "y", "--tokens", tokens, "--data", dir}, 2, []string{"--tokens and --cors-origin are the mission's server's and would be ignored"}},
		{"check: a witness's duration below zero on another role", nil, []string{"config", "check", "--witness-every", "-5s", "--data", dir}, 1, []string{"--witness-every -5s, --witness-poll 5s: want durations above 0"}},
		{"check: streams' settings without --stream", nil, []string{"config", "check", "--source-region", "kharkiv", "--stream-replicas", "3", "--data", dir}, 1, []string{"--stream-replicas 3, --source-region kharkiv: the streams' settings, and there is no --stream"}},
		{"check: a witness key file that is not there", nil, []string{"config", "check", "--witness-key", filepath.Join(dir, "witnesses.txt"), "--data", dir}, 1, []string{"--witness-key " + filepath.Join(dir, "witnesses.txt") + ": no such file, and not a key"}},
		{"check: an address that is no IP address", nil, []string{"config", "check", "--addr", "999.1.1.1:8080", "--data", dir}, 1, []string{`--addr "999.1.1.1:8080": the host "999.1.1.1" is not a host name nor an IP address`}},
		{"check: a hexadecimal host", nil, []string{"config", "check", "--addr", "0x7f.1:8080", "--data", dir}, 1, []string{`the host "0x7f.1" is not a host name nor an IP address`}},
		{"check: a signed port", nil, []string{"config", "check", "--addr", "127.0.0.1:+80", "--data", dir}, 1, []string{`the port "+80" is not a port number`}},
		{"check: a number that is not one, from the environment", map[string]string{"ACCORD_FEED_CLIENTS": "lots"}, []string{"config", "check", "--data", dir}, 1, []string{`ACCORD_FEED_CLIENTS="lots": want a whole number (default 1000)`}},
		{"check: extra argument", nil, []string{"config", "check", "x"}, 2, []string{"Run 'accord config check --help'"}},
		{"check: unknown flag", nil, []string{"config", "check", "--bogus"}, 2, []string{"unknown flag: --bogus"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, errs, code := runAccord(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, errs)
			}
			for _, m := range tt.msgs {
				if !strings.Contains(errs, m) {
					t.Errorf("stderr %q, want %q in it", errs, m)
				}
			}
			if strings.Contains(errs, "this is a bug") {
				t.Errorf("stderr calls a bad configuration a bug: %q", errs)
			}
		})
	}
}

// The reference case checks valid, and the data directory is left as it
// was (not made).
func TestConfigCheckReference(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	tokens := writeFile(t, dir, "tokens.json", `{"monitor-token-0123456789": {"actor": "mission", "role": "monitor"}, "guarantor-token-0123456789": {"actor": "eu", "role": "guarantor"}}`)
	file := writeFile(t, dir, "accord.yaml", "addr: 127.0.0.1:0\ndata: "+data+"\nagreement: [reference]\ntokens: "+tokens+"\n")
	out, errs, code := runAccord(t, "config", "check", "--config", file)
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	if !strings.Contains(out, "configuration valid") || !strings.Contains(out, "file "+file+":4") {
		t.Errorf("output:\n%s", out)
	}
	if _, err := os.Stat(data); err == nil {
		t.Errorf("config check made the data directory")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("config check left files behind: %v", ents)
	}
	out, errs, code = runAccord(t, "config", "check", "--config", file, "--json")
	var r configReport
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil || !r.Valid || r.Problems == nil || len(r.Problems) != 0 {
		t.Errorf("exit %d, %v: %s %s", code, err, out, errs)
	}
}

// serve takes its settings from the file and the environment: it listens
// where they say and keeps its data where they say.
func TestServeFromConfigFile(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	file := writeFile(t, dir, "accord.yaml", "addr: 127.0.0.1:0\ndata: "+data+"\norigin: accord/from-file\n")
	t.Setenv("ACCORD_SCENARIO", "none")
	url, stop, out := startAccord(t, "serve", "--config", file)
	resp, err := http.Get(url + "/v1/checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	sresp, err := http.Get(url + "/v1/scenario")
	if err != nil {
		t.Fatal(err)
	}
	sresp.Body.Close()
	if sresp.StatusCode == http.StatusOK {
		t.Errorf("GET /v1/scenario: %s, want none served (ACCORD_SCENARIO=none)", sresp.Status)
	}
	if code := stop(); code != 0 {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	if !strings.HasPrefix(string(b), "accord/from-file\n") {
		t.Errorf("checkpoint %q: want the origin of the file", b)
	}
	if !strings.Contains(out.String(), "data in "+data) {
		t.Errorf("output %q: want the data directory of the file", out.String())
	}
}

// serve's and config check's help say where the settings come from.
func TestConfigHelp(t *testing.T) {
	for _, args := range [][]string{{"serve", "--help"}, {"config", "check", "--help"}} {
		out, errs, code := runAccord(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		for _, want := range []string{"flag > environment > file >\ndefault", "ACCORD_STORE", "--config"} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: the help does not say %q", args, want)
			}
		}
	}
}

// An empty variable is unset: the file's value, then the default, holds.
func TestConfigEmptyEnv(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "accord.yaml", "origin: from/file\n")
	t.Setenv("ACCORD_ORIGIN", "")
	t.Setenv("ACCORD_ADDR", "")
	out, errs, code := runAccord(t, "config", "check", "--json", "--config", file, "--data", dir)
	var r configReport
	if err := json.Unmarshal([]byte(out), &r); err != nil || code != 0 {
		t.Fatalf("exit %d, %v: %s %s", code, err, out, errs)
	}
	if got := r.setting("origin"); got.Value != "from/file" {
		t.Errorf("origin %+v, want the file's", got)
	}
	if got := r.setting("addr"); got.Source != "default" {
		t.Errorf("addr %+v, want the default", got)
	}
}

// With --connect, config check asks the PostgreSQL server without
// migrating anything; an unreachable one, or a database that does not
// exist, is named with what to check.
func TestConfigCheckPostgres(t *testing.T) {
	dir := t.TempDir()
	u := "postgres://mission:secret@127.0.0.1:1/accord?sslmode=disable&connect_timeout=2"
	if out, errs, code := runAccord(t, "config", "check", "--data", dir, "--store", u); code != 0 {
		t.Errorf("without --connect a well-formed URL is valid: exit %d %s %s", code, out, errs)
	}
	out, errs, code := runAccord(t, "config", "check", "--data", dir, "--store", u, "--connect")
	if code != 1 {
		t.Errorf("unreachable: exit %d, want 1", code)
	}
	for _, want := range []string{"postgres://mission:xxxxx@127.0.0.1:1/accord", "cannot connect to 127.0.0.1:1", "pg_isready -h 127.0.0.1 -p 1"} {
		if !strings.Contains(errs, want) {
			t.Errorf("the error does not say %q: %s", want, errs)
		}
	}
	if strings.Contains(out+errs, "secret") {
		t.Errorf("the password is shown: %s %s", out, errs)
	}
	if strings.Contains(errs, "this is a bug") {
		t.Errorf("an unreachable store called a bug: %s", errs)
	}
	if _, errs, code := runAccord(t, "config", "check", "--data", dir, "--store", "postgres://%zz"); code != 1 || !strings.Contains(errs, "not a PostgreSQL URL") {
		t.Errorf("a URL that does not parse: exit %d %s", code, errs)
	}
	if testing.Short() {
		t.Skip("-short: no PostgreSQL server")
	}
	s := pgtest.Require(t)
	if out, errs, code := runAccord(t, "config", "check", "--data", dir, "--store", pgtest.DB(t), "--connect"); code != 0 {
		t.Errorf("a running server: exit %d %s %s", code, out, errs)
	}
	if _, errs, code := runAccord(t, "config", "check", "--data", dir, "--store", s.URL("no_such_db"), "--connect"); code != 1 || !strings.Contains(errs, "createdb no_such_db") {
		t.Errorf("a database that does not exist: exit %d %s", code, errs)
	}
}

func TestValidHost(t *testing.T) {
	for host, want := range map[string]bool{
		"": true, "127.0.0.1": true, "::1": true, "fe80::1%eth0": true, "localhost": true,
		"accord.example.org": true, "accord.example.org.": true, "node-1.mission": true, "a": true,
		"999.1.1.1": false, "0x7f.1": false, "1.2.3": false, "127.0.0.1%eth0": false,
		"-node.mission": false, "node-.mission": false, "a..b": false, ".": false,
		"has space": false, "a/b": false, "under_score": true, "10.0.0.1.": false,
	} {
		if got := validHost(host); got != want {
			t.Errorf("validHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// A key given twice in a tokens or keys file is refused with the key's
// path (never a token): encoding/json keeps the last, so a token listed
// for one actor and then another, or an author given two keys, passed as
// the last one said.
func TestSecurityFileRepeatedKey(t *testing.T) {
	dir := t.TempDir()
	const tok = "monitor-token-0123456789"
	k1, k2 := base64.StdEncoding.EncodeToString(make([]byte, 32)), base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	tests := []struct {
		name, flag, file string
		msg              string
	}{
		{"a token twice", "--tokens", `{"` + tok + `": {"actor": "mission", "role": "monitor"},
 "` + tok + `": {"actor": "eu", "role": "guarantor"}}`, `a token is given twice, the second time for "eu": ` + accord.RepeatedKeyReason},
		{"a field twice in a token", "--tokens", `{"` + tok + `": {"actor": "eu", "actor": "mission", "role": "monitor"}}`, `the token of "mission": actor: ` + accord.RepeatedKeyReason},
		{"a token twice but for case", "--tokens", `{"` + tok + `": {"actor": "mission", "role": "monitor"}, "` + strings.ToUpper(tok) + `": {"actor": "eu", "role": "guarantor"}}`, `a token is given twice, the second time for "eu"`},
		{"an author twice", "--keys", `{"witness": "` + k1 + `", "witness": "` + k2 + `"}`, `the key of "witness": ` + accord.RepeatedKeyReason},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, dir, "file.json", tt.file)
			_, errs, code := runAccord(t, "config", "check", tt.flag, path, "--data", dir)
			if code != 1 || !strings.Contains(errs, path+": "+tt.msg) {
				t.Errorf("exit %d, stderr %q; want 1 and %q", code, errs, path+": "+tt.msg)
			}
			if strings.Contains(strings.ToLower(errs), strings.ToLower(tok)) {
				t.Errorf("the error shows the token: %s", errs)
			}
		})
	}
}
