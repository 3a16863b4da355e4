package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// What is wrong with the data directory's files is the operator's to mend:
// serve says which file, why and what to do, and never calls it a bug.
func TestServeDamagedDataFiles(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func(dir string) error
		want   []string
	}{
		{"log.key malformed", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "log.key"), []byte("not a key\n"), 0o600)
		}, []string{"log.key", "restore it from a backup"}},
		{"log.pub missing", func(dir string) error { return os.Remove(filepath.Join(dir, "log.pub")) },
			[]string{"log.pub", "restore it"}},
		{"log.pub another key's", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "log.pub"), []byte("other+00000000+AcY5dc2gzHm1pgtKDQy6mZrB3mDJd1AuJRsfeX5Ys7Y0\n"), 0o644)
		}, []string{"log.pub", "public key of log.key"}},
		{"accord.db not a database", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "accord.db"), []byte(strings.Repeat("not a database ", 400)), 0o600)
		}, []string{"accord.db", "restore it from a backup, or move it away"}},
		{"mediation.key malformed", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "mediation.key"), []byte("AGE-SECRET-KEY-1NOTAKEY\n"), 0o600)
		}, []string{"mediation.key", "restore it from a backup"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			// The log's keys as a first start makes them; the damage
			// then writes the file it is about.
			if _, _, err := logKey(dir); err != nil {
				t.Fatal(err)
			}
			if err := c.damage(dir); err != nil {
				t.Fatal(err)
			}
			_, errs, code := runAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", dir)
			if code != 1 || strings.Contains(errs, "this is a bug") {
				t.Fatalf("exit %d, want 1 and no bug:\n%s", code, errs)
			}
			for _, w := range c.want {
				if !strings.Contains(errs, w) {
					t.Errorf("the error does not say %q:\n%s", w, errs)
				}
			}
		})
	}
}

// config check and serve refuse alike what no server could start with:
// more sectors than a front is cut into, replicas an embedded server
// cannot keep, a region that names no stream.
func TestConfigCheckRefusesWhatServeRefuses(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--stream", "embedded", "--partitions", "1000000"}, "--partitions 1000000: want 1 to 4096"},
		{[]string{"--stream", "embedded", "--stream-replicas", "3"}, "--stream-replicas 3 with --stream embedded"},
		{[]string{"--stream", "nats://127.0.0.1:1", "--role", "ingest", "--region", "east/1"}, `region "east/1"`},
		{[]string{"--store", "mysql://x"}, `--store "mysql://x": want sqlite`},
		{[]string{"--origin", ""}, `--origin "": want the ledger's name`},
		{[]string{"--origin", "mission\x01"}, `the control character U+0001, which a signed note may not hold`},
		{[]string{"--origin", "mission\xff"}, `not UTF-8`},
		{[]string{"--witness-server", "http://127.0.0.1:1"}, "with --role all they would be ignored"},
		{[]string{"--role", "witness", "--witness-server", "http://127.0.0.1:1", "--witness-log-key", "a", "--key", "b", "--stream", "embedded"}, "--role witness follows a server over HTTP"},
		// A zero or an empty value given is a mistake, not the default.
		{[]string{"--stream", "embedded", "--partitions", "0"}, "--partitions 0: want 1 to 4096"},
		{[]string{"--stream-replicas", "0"}, "--stream-replicas 0: want 1 to 5"},
		{[]string{"--lease-ttl", "0s"}, "--lease-ttl 0s: want 1s to 10m"},
		{[]string{"--stream", "embedded", "--part-wait", "0s"}, "--part-wait 0s: want 1s to 1h"},
		{[]string{"--part-wait", "2m"}, "--part-wait 2m0s: the streams' settings, and there is no --stream"},
		{[]string{"--role", ""}, `--role "": want all`},
		{[]string{"--agreement", ""}, `--agreement "": empty`},
		{[]string{"--agreement", "reference", "--agreement", " "}, `--agreement " ": empty`},
	} {
		for _, cmd := range [][]string{{"config", "check"}, {"serve", "--addr", "127.0.0.1:0"}} {
			data := filepath.Join(t.TempDir(), "data")
			_, errs, code := runAccord(t, append(append(cmd, c.args...), "--data", data)...)
			if code == 0 || !strings.Contains(errs, c.want) || strings.Contains(errs, "this is a bug") {
				t.Errorf("%s %s: exit %d, want a refusal saying %q:\n%s", strings.Join(cmd, " "), strings.Join(c.args, " "), code, c.want, errs)
			}
			if cmd[0] == "serve" {
				if _, err := os.Stat(data); !os.IsNotExist(err) {
					t.Errorf("serve %s: refused, yet %s was made", strings.Join(c.args, " "), data)
				}
			}
		}
	}
}

// A refused start leaves --data as it found it: no directory when there
// was none, and nothing new in one that was there, whatever input was
// refused — a key, the tokens, the scenario, the address, an unreachable
// PostgreSQL or NATS.
func TestRefusedStartWritesNothing(t *testing.T) {
	held, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	busy := held.Addr().String()
	for _, c := range []struct {
		name string
		args []string
	}{
		{"a private witness key", []string{"--witness-key", "PRIVATE+KEY+w+00000000+AAAA"}},
		{"missing tokens", []string{"--tokens", "/nonexistent/tokens.json"}},
		{"missing scenario", []string{"--scenario", "/nonexistent/scenario.yaml"}},
		{"missing keys file", []string{"--keys", "/nonexistent/keys"}},
		{"address in use", []string{"--addr", busy}},
		{"PostgreSQL unreachable", []string{"--store", "postgres://u@127.0.0.1:1/db?sslmode=disable&connect_timeout=2"}},
		{"NATS unreachable", []string{"--stream", "nats://127.0.0.1:1"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fresh := filepath.Join(t.TempDir(), "data")
			args := append([]string{"serve", "--addr", "127.0.0.1:0", "--data", fresh}, c.args...)
			if _, errs, code := runAccord(t, args...); code == 0 || strings.Contains(errs, "this is a bug") {
				t.Fatalf("exit %d:\n%s", code, errs)
			}
			if _, err := os.Stat(fresh); !os.IsNotExist(err) {
				entries, _ := os.ReadDir(fresh)
				t.Errorf("refused, yet %s was made (%d entries)", fresh, len(entries))
			}
		})
	}
}

// --data must name a directory: empty, or a file, is refused naming the
// flag once, by serve (a usage error) and config check alike.
func TestDataMustBeADirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "afile")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, data := range []string{"", file} {
		for _, cmd := range [][]string{{"config", "check"}, {"serve", "--addr", "127.0.0.1:0"}} {
			_, errs, code := runAccord(t, append(cmd, "--data", data)...)
			if code == 0 || cmd[0] == "serve" && code != 2 || !strings.Contains(errs, "--data") || !strings.Contains(errs, "directory") || strings.Count(errs, "--data") > 1 {
				t.Errorf("%s --data %q: exit %d, want a refusal naming --data once (serve: a usage error, 2):\n%s", strings.Join(cmd, " "), data, code, errs)
			}
		}
	}
}

// Numbers no run can use are refused at once as usage errors: a NaN or
// infinite rate (which made the simulation loop for ever), a negative
// frontier limit (which panicked).
func TestNumbersRefused(t *testing.T) {
	for _, args := range [][]string{
		{"simulate", "--rate", "NaN"},
		{"simulate", "--false-alarms", "NaN"},
		{"simulate", "--rate", "+Inf"},
		{"simulate", "nuclear-plant", "--sightings", "NaN"},
		{"demo", "--war", "--rate", "NaN", "--data", filepath.Join(t.TempDir(), "d")},
		{"demo", "--war", "--duration", "-1h", "--data", filepath.Join(t.TempDir(), "d")},
		{"analyze", tiny, "--frontier-limit", "-1"},
	} {
		_, errs, code := runAccord(t, args...)
		if code != 2 || strings.Contains(errs, "this is a bug") || strings.Contains(errs, "panic") {
			t.Errorf("%s: exit %d, want 2:\n%s", strings.Join(args, " "), code, errs)
		}
	}
}

// A name that is neither a file nor an embedded agreement is said so, with
// the names embedded, by every command that takes an agreement.
func TestUnknownAgreementNamed(t *testing.T) {
	obs := filepath.Join(t.TempDir(), "o.ndjson")
	os.WriteFile(obs, nil, 0o644)
	for _, args := range [][]string{
		{"monitor", "run", "refrence", obs},
		{"agreement", "check", "refrence"},
		{"config", "check", "--agreement", "reference", "--agreement", "corridor", "--data", t.TempDir()},
	} {
		_, errs, code := runAccord(t, args...)
		if code == 0 || !strings.Contains(errs, "no such file, nor an agreement embedded by that name") || !strings.Contains(errs, "grain-corridor") {
			t.Errorf("%s: exit %d %s", strings.Join(args, " "), code, errs)
		}
	}
}
