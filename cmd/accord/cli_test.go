package main

import (
	"net"
	"runtime/debug"
	"strings"
	"testing"
)

// Every wrong command line exits 2 with a hint naming the command that was
// run; refused input exits 1 with a message and never "this is a bug".
func TestCommandLineContract(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	tests := []struct {
		name string
		args []string
		code int
		msg  string // in stderr
		hint string // the usage hint, "" when none
	}{
		{"unknown command", []string{"bogus"}, 2, `unknown command "bogus" for "accord"`, "Run 'accord --help'"},
		{"misspelt command", []string{"monitr"}, 2, "did you mean monitor?", "Run 'accord --help'"},
		{"unknown subcommand", []string{"monitor", "bogus"}, 2, `unknown command "bogus" for "accord monitor"`, "Run 'accord monitor --help'"},
		{"unknown subcommand, third level", []string{"agreement", "bogus"}, 2, `for "accord agreement"`, "Run 'accord agreement --help'"},
		{"unknown shell", []string{"completion", "tcsh"}, 2, `unknown command "tcsh" for "accord completion"`, "Run 'accord completion --help'"},
		{"help on an unknown command", []string{"help", "monitor", "bogus"}, 2, `no help for "monitor bogus": "accord monitor" has no such command`, "Run 'accord help --help'"},
		{"unknown flag", []string{"serve", "--bogus"}, 2, "unknown flag: --bogus", "Run 'accord serve --help'"},
		{"unknown flag of a subcommand", []string{"monitor", "run", "--bogus"}, 2, "unknown flag: --bogus", "Run 'accord monitor run --help'"},
		{"bad flag type", []string{"serve", "--feed-clients", "many"}, 2, "invalid argument", "Run 'accord serve --help'"},
		{"missing arguments", []string{"monitor", "run"}, 2, "accord monitor run needs AGREEMENT and OBS.ndjson", "Run 'accord monitor run --help'"},
		{"bad flag value of a subcommand", []string{"monitor", "run", "--format", "xml", "reference", "x.ndjson"}, 2, `--format "xml"`, "Run 'accord monitor run --help'"},
		{"address without port", []string{"serve", "--addr", "notanaddress", "--data", t.TempDir()}, 2, `--addr "notanaddress": want HOST:PORT`, "Run 'accord serve --help'"},
		{"address with a bad port", []string{"serve", "--addr", "127.0.0.1:http2x", "--data", t.TempDir()}, 2, "is not a port number", "Run 'accord serve --help'"},
		{"zero timeout", []string{"serve", "--body-timeout", "0s", "--data", t.TempDir()}, 2, "--body-timeout 0s", "Run 'accord serve --help'"},
		{"port in use", []string{"serve", "--addr", busy.Addr().String(), "--data", t.TempDir()}, 1, "--addr " + busy.Addr().String() + ": the address is in use", ""},
		{"demo on a port in use", []string{"demo", "--addr", busy.Addr().String(), "--data", t.TempDir()}, 1, "the address is in use", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs, code := runAccord(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d: %s", code, tt.code, errs)
			}
			if !strings.Contains(errs, tt.msg) {
				t.Errorf("stderr %q, want %q in it", errs, tt.msg)
			}
			if tt.hint != "" && !strings.Contains(errs, tt.hint) {
				t.Errorf("stderr %q, want the hint %q", errs, tt.hint)
			}
			if strings.Contains(errs, "this is a bug") {
				t.Errorf("stderr calls a wrong command line a bug: %q", errs)
			}
		})
	}
}

// A command that groups subcommands, given none, prints its help and
// exits 0.
func TestGroupWithoutSubcommand(t *testing.T) {
	for _, args := range [][]string{{}, {"monitor"}, {"help", "monitor", "run"}} {
		out, errs, code := runAccord(t, args...)
		if code != 0 || !strings.Contains(out, "Usage:") {
			t.Errorf("%v: exit %d, stdout %q stderr %q; want 0 and the help", args, code, out, errs)
		}
	}
}

func TestVersionFlag(t *testing.T) {
	out, errs, code := runAccord(t, "--version")
	if code != 0 || !strings.HasPrefix(out, "accord ") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	bi, ok := debug.ReadBuildInfo()
	if want := "accord " + version(bi, ok) + "\n"; out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
}

func TestVersion(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.time", Value: "2026-11-30T10:00:00Z"}}
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"no build info", nil, false, "(unknown: no build information)"},
		{"tagged module", &debug.BuildInfo{Main: debug.Module{Version: "v0.6.0"}, Settings: vcs}, true, "v0.6.0"},
		{"commit", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs}, true, "(devel) 0123456789ab 2026-11-30T10:00:00Z"},
		{"dirty commit", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: append(vcs, debug.BuildSetting{Key: "vcs.modified", Value: "true"})}, true, "(devel) 0123456789ab 2026-11-30T10:00:00Z dirty"},
		{"no vcs", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "(devel)"},
	}
	for _, tt := range tests {
		if got := version(tt.bi, tt.ok); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}
