// Package pgtest starts a throwaway PostgreSQL server — initdb and pg_ctl
// on a temporary directory and a free loopback port — for the tests of the
// PostgreSQL store and for the server benchmark's PostGIS peer. The
// binaries are found under /usr/lib/postgresql/*/bin (Debian's postgresql
// package; the newest version wins) or in ACCORD_PG_BIN (none: run as if
// PostgreSQL were not installed). initdb refuses to
// run as root: as root the cluster is run as the user postgres (which
// Debian's package creates) through runuser.
//
// Tests call DB, which starts one server per test binary on first use (stop
// it from TestMain with Main) and gives each test its own database; when
// PostgreSQL is not installed the test skips, saying so, unless
// ACCORD_REQUIRE_TOOLS is set, when it fails (scripts/test installs
// postgresql and PostGIS on CI).
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a running throwaway cluster.
type Server struct {
	Bin  string // PostgreSQL's bin directory
	Port int
	dir  string // the temporary directory: data, log, socket
	data string
	// asUser runs the server as this user (initdb refuses root).
	asUser string
	opts   string // the server's options (pg_ctl -o)
}

// Options tune the server.
type Options struct {
	// Settings are more server settings (-c NAME=VALUE), e.g.
	// "shared_buffers=512MB".
	Settings []string
}

// FindBin returns the bin directory of the newest PostgreSQL installed:
// ACCORD_PG_BIN when set, else /usr/lib/postgresql/*/bin; an error saying
// what to install when none is.
func FindBin() (string, error) {
	if b := os.Getenv("ACCORD_PG_BIN"); b == "none" {
		return "", fmt.Errorf("%w: ACCORD_PG_BIN=none", ErrAbsent)
	} else if b != "" {
		if _, err := os.Stat(filepath.Join(b, "initdb")); err != nil {
			return "", fmt.Errorf("ACCORD_PG_BIN=%s: no initdb there: %w", b, err)
		}
		return b, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	var found []string
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			found = append(found, d)
		}
	}
	if len(found) == 0 {
		return "", fmt.Errorf("%w (no /usr/lib/postgresql/*/bin/initdb, no ACCORD_PG_BIN): install Debian's postgresql (and postgresql-15-postgis-3 for PostGIS), as scripts/test does", ErrAbsent)
	}
	sort.Slice(found, func(i, j int) bool { return version(found[i]) < version(found[j]) })
	return found[len(found)-1], nil
}

func version(bin string) int {
	var v int
	fmt.Sscan(filepath.Base(filepath.Dir(bin)), &v)
	return v
}

func (s *Server) cmd(name string, args ...string) *exec.Cmd {
	path := filepath.Join(s.Bin, name)
	if s.asUser != "" {
		return exec.Command("runuser", append([]string{"-u", s.asUser, "--", path}, args...)...)
	}
	return exec.Command(path, args...)
}

// Start initialises a cluster in a temporary directory and starts it on a
// free loopback port, durable (fsync, synchronous commit), with trust
// authentication for the superuser accord.
func Start(bin string, o Options) (*Server, error) {
	dir, err := os.MkdirTemp("", "accord-pg")
	if err != nil {
		return nil, err
	}
	s := &Server{Bin: bin, dir: dir, data: filepath.Join(dir, "data")}
	fail := func(err error) (*Server, error) { os.RemoveAll(dir); return nil, err }
	if u, _ := user.Current(); u != nil && u.Uid == "0" {
		if _, err := user.Lookup("postgres"); err != nil {
			return fail(errors.New("running as root, and initdb refuses root: no user postgres to run the cluster as (Debian's postgresql package creates it)"))
		}
		s.asUser = "postgres"
		if out, err := exec.Command("chown", "-R", "postgres", dir).CombinedOutput(); err != nil {
			return fail(fmt.Errorf("chown %s: %v %s", dir, err, out))
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	if out, err := s.cmd("initdb", "-D", s.data, "-U", "accord", "--auth=trust", "-E", "UTF8", "--no-instructions").CombinedOutput(); err != nil {
		return fail(fmt.Errorf("initdb: %v\n%s", err, out))
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=on -c synchronous_commit=on", s.Port, dir)
	for _, set := range o.Settings {
		opts += " -c " + set
	}
	s.opts = opts
	if err := s.Resume(); err != nil {
		return fail(err)
	}
	return s, nil
}

// Halt stops the server as an operator would (pg_ctl stop -m fast: the
// connections are cut) and keeps its data, for Resume to start it again:
// the failure tests.
func (s *Server) Halt() error {
	if out, err := s.cmd("pg_ctl", "-D", s.data, "-m", "fast", "-w", "stop").CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl stop: %v\n%s", err, out)
	}
	return nil
}

// Resume starts the server (again) on its data, port and settings.
func (s *Server) Resume() error {
	if out, err := s.cmd("pg_ctl", "-D", s.data, "-l", filepath.Join(s.dir, "log"), "-o", s.opts, "-w", "start").CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		return fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, log)
	}
	return nil
}

// Restart halts the server and starts it again after down.
func (s *Server) Restart(down time.Duration) error {
	if err := s.Halt(); err != nil {
		return err
	}
	time.Sleep(down)
	return s.Resume()
}

// URL is the URL of a database of the server.
func (s *Server) URL(db string) string {
	return fmt.Sprintf("postgres://accord@127.0.0.1:%d/%s?sslmode=disable", s.Port, db)
}

// CreateDB creates a database and returns its URL.
func (s *Server) CreateDB(ctx context.Context, name string) (string, error) {
	c, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return "", err
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", fmt.Errorf("creating database %s: %w", name, err)
	}
	return s.URL(name), nil
}

// HasPostGIS reports whether the PostGIS extension is installed.
func (s *Server) HasPostGIS(ctx context.Context) bool {
	c, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		return false
	}
	defer c.Close(ctx)
	var n int
	c.QueryRow(ctx, `SELECT count(*) FROM pg_available_extensions WHERE name = 'postgis'`).Scan(&n)
	return n > 0
}

// template makes the database the tests' databases are copied from: with
// PostGIS installed in it when available (creating the extension takes a
// second; copying a database that has it, a fraction).
func (s *Server) template(ctx context.Context) error {
	if _, err := s.CreateDB(ctx, "accord_template"); err != nil {
		return err
	}
	if !s.HasPostGIS(ctx) {
		return nil
	}
	c, err := pgx.Connect(ctx, s.URL("accord_template"))
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	_, err = c.Exec(ctx, `CREATE EXTENSION postgis`)
	return err
}

// Stop stops the server and removes its directory.
func (s *Server) Stop() {
	s.cmd("pg_ctl", "-D", s.data, "-m", "fast", "-w", "stop").Run()
	os.RemoveAll(s.dir)
}

// ErrAbsent is the error (wrapped) when no PostgreSQL is installed.
var ErrAbsent = errors.New("PostgreSQL is not installed")

var (
	shared    *Server
	sharedErr error
	once      sync.Once
	dbs       atomic.Int64
)

// Shared returns the test binary's server, started on first use; nil and
// the reason when PostgreSQL is not installed or does not start.
func Shared() (*Server, error) {
	once.Do(func() {
		bin, err := FindBin()
		if err != nil {
			sharedErr = err
			return
		}
		shared, sharedErr = Start(bin, Options{Settings: []string{"fsync=off", "synchronous_commit=off", "full_page_writes=off"}})
		if sharedErr == nil {
			sharedErr = shared.template(context.Background())
		}
	})
	return shared, sharedErr
}

// Require returns the shared server. When PostgreSQL is not installed it
// skips the test saying why (fails it when ACCORD_REQUIRE_TOOLS is set); an
// installed server that does not start fails the test.
func Require(t testing.TB) *Server {
	t.Helper()
	s, err := Shared()
	if err != nil {
		if !errors.Is(err, ErrAbsent) {
			t.Fatalf("PostgreSQL is installed but the test server did not start: %v", err)
		}
		if os.Getenv("ACCORD_REQUIRE_TOOLS") != "" {
			t.Fatalf("PostgreSQL is required (ACCORD_REQUIRE_TOOLS is set): %v", err)
		}
		t.Skipf("SKIP: no PostgreSQL for this test: %v", err)
	}
	return s
}

// DB returns the URL of a fresh database on the shared server (see
// Require for when there is none).
func DB(t testing.TB) string {
	t.Helper()
	s := Require(t)
	name := fmt.Sprintf("t%d_%s", dbs.Add(1), strings.ToLower(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, t.Name())))
	if len(name) > 60 {
		name = name[:60]
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, s.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE accord_template STRATEGY FILE_COPY"); err != nil {
		t.Fatalf("creating database %s: %v", name, err)
	}
	return s.URL(name)
}

// Main runs a package's tests and stops the shared server after them:
// func TestMain(m *testing.M) { pgtest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	StopShared()
	os.Exit(code)
}

// StopShared stops the shared server, if one was started: for a TestMain
// that does more than Main.
func StopShared() {
	if shared != nil {
		shared.Stop()
	}
}
