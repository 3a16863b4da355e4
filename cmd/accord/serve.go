package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/internal/redact"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/stream"
	"github.com/accord-peace/accord/witness"
	"github.com/spf13/cobra"
)

// serverConfig is what 'serve' and 'demo' start.
type serverConfig struct {
	addr, data, scenario, origin, tokens, keys string
	// store is where the observations, incidents and sealed content are
	// kept: sqlite (files in data) or a PostgreSQL URL.
	store string
	// agreements are the agreement files (or embedded names) run on the
	// record, the main one first.
	agreements []string
	// Connection limits: the time a request's headers, its body and an
	// idle connection may take; the feed's streams per remote address and
	// in all.
	headerTimeout, bodyTimeout, idleTimeout time.Duration
	feedPerAddr, feedClients                int
	// corsOrigins may call the API from a browser page of theirs.
	corsOrigins []string
	// witnessKeys are the witnesses whose cosignatures the record takes.
	witnessKeys []string
	// The stream deployment (serve_stream.go): the NATS URL or embedded,
	// the sectors, the node's role, the streams' replicas; a regional
	// ingest node's region, the regions a recorder sources; an ingest
	// node's name in the store's outbox; the sector workers' lease TTL.
	stream        string
	partitions    int
	role          string
	replicas      int
	region        string
	sourceRegions []string
	node          string
	leaseTTL      time.Duration
	partWait      time.Duration
	// witness is the party's node of --role witness (serve_witness.go).
	witness witnessConfig
	// tickEvery, when above 0, ticks the agreement's clock to the wall
	// clock that often when a deadline has passed (clock.go).
	tickEvery time.Duration
}

func (c *serverConfig) register(cmd *cobra.Command, defaultData string) {
	cmd.Flags().StringVar(&c.addr, "addr", "127.0.0.1:8080", "address to listen on (port 0: any free port)")
	cmd.Flags().StringVar(&c.data, "data", defaultData, "data directory: the SQLite store, the ledger and the log's key")
	cmd.Flags().StringVar(&c.store, "store", "sqlite", "where the observations, incidents and sealed content are kept: sqlite (accord.db and incidents.db in --data) or a PostgreSQL URL postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (the ledger and the keys stay in --data)")
	cmd.Flags().StringArrayVar(&c.agreements, "agreement", nil, "agreement file, or an embedded one by name ("+embeddedNames()+"); repeat to run functional agreements beside the main one (the first) on the same record (default: reference)")
	cmd.Flags().StringVar(&c.scenario, "scenario", "", "scenario file for the negotiation views: proposals, matrix, frontier (default: the embedded reference; none: without)")
	cmd.Flags().StringVar(&c.origin, "origin", defaultOrigin, "the ledger's origin line in its checkpoints")
	cmd.Flags().DurationVar(&c.headerTimeout, "header-timeout", api.DefaultHeaderTimeout, "time a request's headers may take to arrive")
	cmd.Flags().DurationVar(&c.bodyTimeout, "body-timeout", api.DefaultBodyTimeout, "time a request's body may take to arrive (408 past it)")
	cmd.Flags().DurationVar(&c.idleTimeout, "idle-timeout", api.DefaultIdleTimeout, "time a kept-alive connection may stay idle")
	cmd.Flags().IntVar(&c.feedPerAddr, "feed-per-addr", api.DefaultFeedPerAddr, "feed streams open at once from one remote address (429 beyond)")
	cmd.Flags().IntVar(&c.feedClients, "feed-clients", api.DefaultFeedClients, "feed streams open at once in all (429 beyond)")
	cmd.Flags().StringArrayVar(&c.corsOrigins, "cors-origin", nil, "an origin (https://HOST[:PORT], or * for any) whose pages may call the API from a browser; repeat for more (default: none, same-origin only)")
	cmd.Flags().StringVar(&c.keys, "keys", "", `more authors' public keys than the agreement's, a JSON file {"NAME": "BASE64 ED25519"} ('accord ledger keygen --author'): the negotiating parties sign their positions, answers and requests with theirs`)
	cmd.Flags().StringArrayVar(&c.witnessKeys, "witness-key", nil, "a witness's public note key (NAME+HASH+KEY, or NAME=KEY), or a file of them one a line: the record takes its cosignatures of checkpoints and publishes them ('accord witness'); repeat for more")
	c.witness.register(cmd)
	cmd.Flags().DurationVar(&c.tickEvery, "tick-every", 0, "look this often (1m) whether a deadline of the agreement has passed by the server's clock since the last entry — a provision overdue, a consultation's stage, a snapback taking effect — and if so tick the agreement's clock to the server's clock, recording it, as POST /v1/clock does; with --stream, on a node of role all only, where it looks at the recorder's engine and publishes the tick through the node's ingest (default 0: off; the clock moves with the observations' time only, as simulations and the demo, whose data are dated far from the wall clock, need)")
	cmd.Flags().StringVar(&c.tokens, "tokens", "", `callers' bearer tokens, a JSON file {"TOKEN": {"actor": ID, "role": party|guarantor|monitor|mediator|verifier}}; without it the server is open to every caller`)
	c.registerStream(cmd)
}

// check refuses flag values no server can start with, as usage errors (exit
// 2): an address that is not host:port, a limit below 1. An address that is
// well formed but cannot be listened on is refused later, when listening.
func (c *serverConfig) check() error {
	if ps := c.problems(); len(ps) > 0 {
		return usageError{err: errors.New(strings.Join(ps, "; "))}
	}
	return nil
}

// problems lists every flag value no server can start with.
func (c *serverConfig) problems() []string {
	var ps []string
	bad := func(format string, args ...any) {
		ps = append(ps, fmt.Sprintf(format, args...))
	}
	host, port, err := net.SplitHostPort(c.addr)
	if err != nil {
		bad("--addr %q: want HOST:PORT (127.0.0.1:8080, :8080, [::1]:0): %v", c.addr, err)
	} else if _, err := net.LookupPort("tcp", port); err != nil || port == "" || strings.ContainsAny(port[:1], "+-") {
		bad("--addr %q: the port %q is not a port number (0 to 65535; 0 for any free port)", c.addr, port)
	} else if !validHost(host) {
		bad("--addr %q: the host %q is not a host name nor an IP address", c.addr, host)
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"--header-timeout", c.headerTimeout}, {"--body-timeout", c.bodyTimeout}, {"--idle-timeout", c.idleTimeout}} {
		if d.v <= 0 {
			bad("%s %v: want a duration above 0 (30s, 2m)", d.flag, d.v)
		}
	}
	for _, o := range c.corsOrigins {
		if err := api.CheckOrigin(o); err != nil {
			bad("--cors-origin: %v", err)
		}
	}
	ps = append(ps, c.witness.problems(c.role)...)
	if c.role == stream.RoleWitness && (c.stream != "" || (c.store != "" && c.store != "sqlite") || c.partitions > 1) {
		bad("--role witness follows a server over HTTP: --stream, --store and --partitions are the mission's nodes' and would be ignored")
	}
	if c.role == stream.RoleWitness && (c.tokens != "" || len(c.corsOrigins) > 0) {
		bad("--role witness serves its own state, read by everyone: --tokens and --cors-origin are the mission's server's and would be ignored")
	}
	for _, a := range c.agreements {
		if strings.TrimSpace(a) == "" {
			bad(`--agreement %q: empty; give an agreement file or an embedded name (%s), or leave --agreement out for the reference`, a, embeddedNames())
		}
	}
	if p := dataShapeProblem(c.data); p != "" {
		ps = append(ps, p)
	} else if c.role != stream.RoleWitness {
		if p := witnessDirProblem(c.data); p != "" {
			ps = append(ps, p)
		}
	}
	if p := originProblem(c.origin); p != "" {
		bad("--origin %q: want the ledger's name in its checkpoints, one line (the parties' witnesses are given the same): %s", c.origin, p)
	}
	// The store's shape (not whether it answers: serve, or config check
	// --connect, asks it).
	if err := checkStore(context.Background(), c.store, false); err != nil {
		ps = append(ps, err.Error())
	}
	if c.tickEvery < 0 {
		bad("--tick-every %v: want a duration above 0 (1m), or 0 for no tick", c.tickEvery)
	}
	if c.tickEvery > 0 && c.role == stream.RoleWitness {
		bad("--tick-every: a witness has no clock of its own: it replays the ticks the mission's server records")
	}
	if c.tickEvery > 0 && c.stream != "" && c.role != stream.RoleAll && c.role != stream.RoleWitness {
		bad("--tick-every with --role %s: on a stream deployment the node that runs the recorder and an ingest node (--role all) looks whether a deadline has passed, at the recorder's engine, and publishes the tick through its ingest; tick the other nodes' deployment by POST /v1/clock ('accord clock tick') on an ingest node", c.role)
	}
	if c.feedPerAddr < 1 || c.feedClients < 1 {
		bad("--feed-per-addr %d, --feed-clients %d: want at least 1 each", c.feedPerAddr, c.feedClients)
	}
	return append(ps, c.streamProblems()...)
}

// dataShapeProblem is what makes --data no directory ("" when none): it
// is empty, or names a file.
func dataShapeProblem(dir string) string {
	if strings.TrimSpace(dir) == "" {
		return fmt.Sprintf("--data %q: want a directory (made when absent)", dir)
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fmt.Sprintf("--data %s: a file, not a directory; give a directory (made when absent)", dir)
	}
	return ""
}

// witnessDirProblem is what makes --data a witness's state directory, not
// a server's ("" when nothing): its ledger is the witness's copy of the
// record, which a server would take for its own and sign with a new key.
func witnessDirProblem(dir string) string {
	for _, f := range witness.StateFiles {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return fmt.Sprintf("--data %s: a witness's state directory (it holds %s): its ledger is the witness's copy of the record, not a server's; give the server a directory of its own", dir, f)
		}
	}
	return ""
}

// listenError says why the server cannot listen on addr: refused input
// (exit 1), with what to do about it, never a bug.
func listenError(addr string, err error) error {
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf("--addr %s: the address is in use (another process listens there); stop it or choose another --addr (port 0 picks a free one)", addr), Err: err}
	case errors.Is(err, syscall.EACCES):
		return &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf("--addr %s: not permitted to listen there (ports below 1024 need privileges); choose another --addr", addr), Err: err}
	}
	return &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf("--addr %s: cannot listen there (is the host one of this machine's addresses?)", addr), Err: err}
}

// server is a running mission server.
type server struct {
	URL        string
	http       *http.Server
	deployment *local.Deployment
	node       *stream.Node // with --stream
	api        *api.Server
	done       chan error
	exposed    string // a warning when it listens beyond loopback without tokens
	logKey     string // public note key of the log
	restored   int
	// The main agreement served, the monitoring section the pipeline runs
	// (every agreement's merged) and the kernel of its geometry.
	agreement  *agreement.Agreement
	monitoring *agreement.Monitoring
	kernel     *geo.Kernel
	// ticker, with --tick-every, ticks the agreement's clock (clock.go).
	ticker *ticker
}

// defaultOrigin is the ledger's origin line when none is given.
const defaultOrigin = "accord/ukraine-2025"

// startServer opens the store and the ledger in the data directory,
// replays the stored observations into the pipeline, and serves the API.
func startServer(ctx context.Context, c serverConfig, logger *slog.Logger) (*server, error) {
	if err := c.check(); err != nil {
		return nil, err
	}
	// Every input is read and checked before anything is written to
	// --data: a refused start leaves the directory as it found it (the
	// address is taken first too, and a NATS cluster must answer). What
	// needs the stores — PostgreSQL, the stream's streams — is met only
	// once they are open.
	as, err := loadAgreements(c.agreements)
	if err != nil {
		return nil, err
	}
	a := as[0]
	if a.Monitoring == nil {
		return nil, accord.Errorf(accord.EINVALID, "the main agreement %s (the first --agreement) has no monitoring section", a.ID)
	}
	witnesses, err := readWitnessKeys(c.witnessKeys)
	if err != nil {
		return nil, err
	}
	keys, err := agreedKeys(as)
	if err != nil {
		return nil, err
	}
	reg, err := registry(keys, c.keys)
	if err != nil {
		return nil, err
	}
	var sc *accord.Scenario
	var negotiators []string // the served scenario's parties: they may hold party tokens to negotiate
	if c.scenario != "none" {
		if sc, err = loadScenario(c.scenario); err != nil {
			return nil, err
		}
		for _, p := range sc.Parties {
			negotiators = append(negotiators, p.ID)
		}
	}
	var auth *api.Auth
	if c.tokens != "" {
		if auth, err = readTokens(c.tokens); err == nil {
			err = checkTokens(c.tokens, auth.Tokens, as, negotiators)
		}
		if err != nil {
			return nil, err
		}
		auth.Policy.RestrictEvidence = a.RestrictEvidence
	}
	// The stream cluster answers before the stores are made: an
	// unreachable NATS leaves --data as it was.
	if err := checkStream(ctx, c, true); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return nil, listenError(c.addr, err)
	}
	_, statErr := os.Stat(c.data)
	made := errors.Is(statErr, fs.ErrNotExist)
	started := false
	defer func() {
		if !started {
			ln.Close()
			if made {
				os.Remove(c.data) // when still empty: a refused first start leaves no directory
			}
		}
	}()
	if err := os.MkdirAll(c.data, 0o755); err != nil {
		return nil, &accord.Error{Code: accord.EINVALID, Message: "--data " + c.data, Err: err}
	}
	var feed *api.Feed
	d, err := local.Open(ctx, local.Config{Dir: c.data, Store: c.store, Agreement: a, Others: as[1:], Registry: reg,
		Publisher: func(l *ledger.Ledger) mission.Publisher { feed = &api.Feed{Ledger: l}; return feed },
		StreamFed: c.stream != ""})
	if err != nil {
		return nil, err
	}
	// The log's key once the stores are open: a store that cannot be
	// reached leaves no key behind.
	signer, vkey, err := logKey(c.data)
	if err != nil {
		d.Discard() // a refused start leaves --data as it was
		return nil, err
	}
	warnReadable(logger, filepath.Join(c.data, "log.key"), "the log's private key")
	m, led := d.Mission, d.Ledger
	k := m.Kernel()
	s := &server{deployment: d, done: make(chan error, 1), logKey: vkey, agreement: a, kernel: k, monitoring: m.Monitoring()}
	s.restored = m.Restored()
	if n := m.CaughtUp(); n > 0 {
		logger.Warn("recorded at start the incident versions the stored observations make and the record lacked: the server had stopped after a batch was stored, before it was recorded; their violations the engine had not seen are applied as known late", "incidents", n, "entries", led.Len())
	}
	s.api = api.NewServer(m)
	s.api.Logger = logger
	s.api.Record = &api.Record{Ledger: led, Origin: c.origin, Signer: signer, Witnesses: witnesses}
	if err := s.api.Record.LoadCosignatures(filepath.Join(c.data, "cosignatures.json")); err != nil {
		s.discard()
		return nil, err
	}
	feed.MaxPerAddr, feed.MaxClients = c.feedPerAddr, c.feedClients
	s.api.Feed = feed
	s.api.BodyTimeout = c.bodyTimeout
	if len(c.corsOrigins) > 0 {
		s.api.CORS = &api.CORS{Origins: c.corsOrigins}
	}
	s.api.Geometry = m.Monitoring().Geometry.GeoJSON()
	s.api.Bands = api.BandOutlines(m.Monitoring(), k)
	if sc != nil {
		s.api.Scenario = negotiate.Compile(sc)
	}
	// An agreement that registers keys wants every batch signed.
	s.api.RequireSigned = len(keys) > 0
	s.api.Mediation = d.Mediation
	s.api.Funding = d.Funding
	if auth != nil {
		s.api.Auth = auth
	}
	s.api.Metrics = api.NewMetrics(func() float64 { return float64(m.Open()) }, func() float64 { return float64(led.Len()) })
	s.api.Metrics.WatchFeed(feed)
	m.WatchStages(s.api.Metrics.ObserveStages)
	d.ObserveStore(s.api.Metrics)
	if c.stream != "" {
		if err := startStream(ctx, s, c, logger); err != nil {
			s.discard()
			return nil, err
		}
	}
	s.URL = "http://" + ln.Addr().String()
	if c.tokens == "" && !loopback(ln.Addr()) {
		s.exposed = fmt.Sprintf("WARNING: serving beyond loopback without --tokens: every caller on the network at %s may post observations, answer notices and sign findings", ln.Addr())
		logger.Warn("serving beyond loopback without tokens: the server is open to every caller", "addr", ln.Addr().String())
	}
	// No ReadTimeout nor WriteTimeout: they would cut the feed's streams.
	// The body's deadline is set per request (api.Server.BodyTimeout), the
	// feed's per write (api.Feed.WriteTimeout).
	s.http = s.api.HTTPServer(c.headerTimeout, c.idleTimeout)
	if c.tickEvery > 0 && m.HasEngine() {
		tick := m.TickIfDue
		if s.node != nil {
			tick = streamTickIfDue(m, s.node.Ingester)
		}
		s.ticker = startTicker(tick, c.tickEvery, time.Now, logger)
	}
	started = true
	go func() { s.done <- s.http.Serve(ln) }()
	return s, nil
}

// readTokens reads the callers' tokens.
func readTokens(path string) (*api.Auth, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &accord.Error{Code: accord.ENOTFOUND, Message: "--tokens " + path, Err: err}
	}
	var m map[string]api.Principal
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, accord.Errorf(accord.EINVALID, "%s: want {\"TOKEN\": {\"actor\": ID, \"role\": ROLE}}: %v", path, err)
	}
	if p, ok := accord.RepeatedKey(b); ok {
		return nil, repeatedTokenKey(path, p, m)
	}
	for t, p := range m {
		if len(t) < 16 {
			return nil, accord.Errorf(accord.EINVALID, "%s: the token of %q is shorter than 16 characters", path, p.Actor)
		}
		if p.Actor == "" || !slices.Contains(accord.AccessRoles, p.Role) || p.Role == accord.RolePublic {
			return nil, accord.Errorf(accord.EINVALID, "%s: the token of %q needs an actor and a role among party, guarantor, monitor, mediator, verifier", path, p.Actor)
		}
	}
	return &api.Auth{Tokens: m}, nil
}

// repeatedTokenKey refuses a tokens file with a key given twice (json
// keeps the last: a token listed for a party and then for a guarantor is
// the guarantor's). The key's path begins with a token, which the error
// never shows: it names the token's actor instead.
func repeatedTokenKey(path, key string, m map[string]api.Principal) error {
	token := ""
	for t := range m {
		if (key == t || strings.HasPrefix(key, t+".")) && len(t) > len(token) {
			token = t
		}
	}
	switch {
	case token == "":
		return accord.Errorf(accord.EINVALID, "%s: a key is given twice: %s; give it once", path, accord.RepeatedKeyReason)
	case key == token:
		return accord.Errorf(accord.EINVALID, "%s: a token is given twice, the second time for %q: %s; give each token once", path, m[token].Actor, accord.RepeatedKeyReason)
	}
	return accord.Errorf(accord.EINVALID, "%s: the token of %q: %s: %s; give it once", path, m[token].Actor, key[len(token)+1:], accord.RepeatedKeyReason)
}

// checkTokens checks each token against the agreements: it may give its
// actor only a role one of them gives it — a party among its parties, a
// guarantor, a monitor or a verifier among its roles of that name (a
// verifier reads the lists of names of an exchange) — and a mediator
// (who reads every notice) must not be a party of any. A party passed off
// as a guarantor would read raw evidence and sign findings on itself. The
// error names every offending actor and what the agreements say of it,
// never a token.
func checkTokens(path string, tokens map[string]api.Principal, as []*agreement.Agreement, negotiators []string) error {
	a := &agreement.Agreement{ID: as[0].ID}
	if len(as) > 1 {
		var ids []string
		for _, x := range as {
			ids = append(ids, x.ID)
		}
		a.ID = strings.Join(ids, ", ")
	}
	for _, x := range as {
		for _, p := range x.Parties {
			if !slices.Contains(a.Parties, p) {
				a.Parties = append(a.Parties, p)
			}
		}
		a.Roles = append(a.Roles, x.Roles...)
	}
	holders := map[string][]string{accord.RoleParty: slices.Clone(a.Parties)}
	for _, p := range negotiators {
		if !slices.Contains(holders[accord.RoleParty], p) {
			holders[accord.RoleParty] = append(holders[accord.RoleParty], p)
		}
	}
	rolesOf := map[string][]string{}
	for _, p := range a.Parties {
		rolesOf[p] = append(rolesOf[p], accord.RoleParty)
	}
	for _, r := range a.Roles {
		if !slices.Contains(holders[r.Role], r.Actor) {
			holders[r.Role] = append(holders[r.Role], r.Actor)
		}
		if !slices.Contains(rolesOf[r.Actor], r.Role) {
			rolesOf[r.Actor] = append(rolesOf[r.Actor], r.Role)
		}
	}
	var problems []string
	for _, p := range tokens {
		switch p.Role {
		case accord.RoleParty, accord.RoleGuarantor, accord.RoleMonitor, accord.RoleVerifier:
			if slices.Contains(holders[p.Role], p.Actor) {
				continue
			}
			its := "none"
			if len(holders[p.Role]) > 0 {
				its = strings.Join(holders[p.Role], ", ")
			}
			is := "has no role in it"
			if rs := rolesOf[p.Actor]; len(rs) > 0 {
				is = "is a " + strings.Join(rs, ", ")
			}
			plural := map[string]string{accord.RoleParty: "parties", accord.RoleGuarantor: "guarantors", accord.RoleMonitor: "monitors", accord.RoleVerifier: "verifiers"}[p.Role]
			problems = append(problems, fmt.Sprintf("the token of %q gives it the %s role, but the agreement %s does not: its %s are %s (%q %s)",
				p.Actor, p.Role, a.ID, plural, its, p.Actor, is))
		case accord.RoleMediator:
			if slices.Contains(a.Parties, p.Actor) {
				problems = append(problems, fmt.Sprintf("the token of %q gives it the mediator role, but %q is a party of the agreement %s: a mediator reads every party's notices",
					p.Actor, p.Actor, a.ID))
			}
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return accord.Errorf(accord.EINVALID, "%s: %s", path, strings.Join(problems, "; "))
	}
	return nil
}

// loopback reports whether a listener's address is a loopback one.
func loopback(addr net.Addr) bool {
	ta, ok := addr.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}

// stop shuts the server down gracefully and closes the stores.
func (s *server) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	if e := <-s.done; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	s.close()
	return err
}

func (s *server) close() {
	s.ticker.stop() // before the stores close
	if s.node != nil {
		s.node.Close()
	}
	s.deployment.Close()
}

// discard closes a server whose start was refused, removing what it made
// in --data (local.Deployment.Discard).
func (s *server) discard() {
	if s.node != nil {
		s.node.Close()
	}
	s.deployment.Discard()
}

// logKey reads the log's signing key from the data directory, making one
// on first use (log.key, private, and log.pub for verifiers).
func logKey(dir string) (note.Signer, string, error) {
	kf, pf := filepath.Join(dir, "log.key"), filepath.Join(dir, "log.pub")
	skey, err := os.ReadFile(kf)
	if errors.Is(err, os.ErrNotExist) {
		s, v, err := note.GenerateKey(rand.Reader, "accord-mission")
		if err != nil {
			return nil, "", err
		}
		if err := os.WriteFile(kf, []byte(s+"\n"), 0o600); err != nil {
			return nil, "", badLogKey(kf, err, "--data must be a directory this user can write")
		}
		if err := os.WriteFile(pf, []byte(v+"\n"), 0o644); err != nil {
			return nil, "", badLogKey(pf, err, "--data must be a directory this user can write")
		}
		skey = []byte(s)
	} else if err != nil {
		return nil, "", badLogKey(kf, err, "--data must be a directory this user can read and write")
	}
	return parseLogKey(kf, pf, skey)
}

// badLogKey says what is wrong with a file of the log's keys. The data
// directory's files are the operator's: what is wrong with them is said
// with the file and what to do (EINVALID), not as a bug.
func badLogKey(file string, err error, fix string) error {
	return &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf("the log's key %s: %v; %s", file, err, fix)}
}

// checkLogKey checks the log's keys in dir as a start reads them, without
// making them when absent ('config check' writes nothing).
func checkLogKey(dir string) error {
	kf, pf := filepath.Join(dir, "log.key"), filepath.Join(dir, "log.pub")
	skey, err := os.ReadFile(kf)
	if errors.Is(err, os.ErrNotExist) {
		return nil // made at the first start
	} else if err != nil {
		return badLogKey(kf, err, "--data must be a directory this user can read and write")
	}
	_, _, err = parseLogKey(kf, pf, skey)
	return err
}

// parseLogKey reads the log's private key (the bytes of kf) and its public
// key in pf, which must match.
func parseLogKey(kf, pf string, skey []byte) (note.Signer, string, error) {
	bad := badLogKey
	signer, err := note.NewSigner(strings.TrimSpace(string(skey)))
	if err != nil {
		return nil, "", bad(kf, err, "it must hold the log's private note key (PRIVATE+KEY+…), as serve wrote it; restore it from a backup (a new key would start another log)")
	}
	vkey, err := os.ReadFile(pf)
	if err != nil {
		return nil, "", bad(pf, err, "it must hold the log's public key beside log.key; restore it from a backup, or write it again from the server's first lines of output (\"log key …\")")
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil || v.Name() != signer.Name() || v.KeyHash() != signer.KeyHash() {
		if err == nil {
			err = errors.New("not the public key of log.key")
		}
		return nil, "", bad(pf, err, "it must hold the public key of log.key (NAME+HASH+KEY); restore it from a backup")
	}
	return signer, strings.TrimSpace(string(vkey)), nil
}

func newServeCmd() *cobra.Command {
	var (
		c          serverConfig
		configPath string
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the mission server: observation ingestion, incidents, live feed, the record",
		Long: `serve runs the mission server on the embedded store (SQLite in --data) with the
agreement's monitoring pipeline:

  POST /v1/observations      NDJSON batch (docs/observation.md), all or nothing
  GET  /v1/incidents         every incident, open and closed, with its violations, in pages
                             (filters: since, until, state, closed, party, zone, bbox,
                             violations; after, limit: next is "" on the last page)
  GET  /v1/incidents/{id}    one incident with its observations and sources
  GET  /v1/agreement         phases, provisions, consultations and deadlines, relief, snapback
  GET  /v1/consultations     the consultations the caller may read
  POST /v1/consultations/{id}/response   the party answers a notice (accept, dispute)
  POST /v1/consultations/{id}/finding    a guarantor signs a finding (applied at the quorum)
  POST /v1/clock             a monitor ticks the agreement's clock to {"at": TIME} without data
                             ('accord clock tick'; --tick-every D does it when a deadline has passed)
  POST /v1/exchanges         a verifier records a prisoner exchange with its sealed lists ('accord exchange')
  GET  /v1/exchanges         every exchange: counts, verifiers, commitments, totals, quota periods (no names)
  GET  /v1/exchanges/lists/{sha256}   a list of names, to a party or a verifier of its agreement
  GET  /v1/compliance        each party's violations over time (?bucket=1h)
  GET  /v1/scenario, /v1/scenario/proposals/{id}, /v1/scenario/matrix, /v1/scenario/frontier.svg
                             the negotiation: proposals, their evaluation, matrix, frontier
  GET  /v1/geometry, /v1/bands   the agreed geometry and the bands' edges, as GeoJSON
  GET  /v1/feed              server-sent events; the id is the ledger index (Last-Event-ID resumes;
                             without it, a snapshot mark, then what follows: no replay)
  POST /v1/submissions       signed submissions into the ledger
  GET  /v1/checkpoint        the ledger's signed checkpoint
  GET  /v1/ledger            the ledger, for 'accord verify URL'
  GET  /v1/entries/{i}, /v1/proofs/inclusion, /v1/proofs/consistency
  GET  /metrics               Prometheus metrics
  GET  /openapi.json          the OpenAPI 3.1 description
  GET  /                     the dashboard: map (oblasts, line, zones, bands, incidents),
                             incident panel, phases and consultations, compliance
                             timelines, the proposals' matrix and frontier

Incidents are kept for the record's whole life, closed ones included
(closed_at, closed_reason), and a resend of an observation, however old, is
a duplicate. Stored observations are replayed into the pipeline at start,
so a restart loses nothing acknowledged. With --tokens, callers say who they are with a
bearer token and the access policy applies (deny by default: monitors post
observations, parties answer their notices, guarantors sign findings; the
public reads); without it the server is open (a warning when it listens
beyond loopback so). Headers, bodies and idle connections are timed out
(--header-timeout, --body-timeout, --idle-timeout); the feed's streams are
capped per address and in all (--feed-per-addr, --feed-clients) and a
client that stops reading is dropped. Ctrl-C stops it cleanly.

` + streamHelp + `
` + configHelp,
		Args: exactArgs(0, "no argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := resolveServe(cmd, &c, configPath); err != nil {
				return err
			}
			if c.role == stream.RoleWitness {
				return serveWitness(cmd, c)
			}
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			s, err := startServer(cmd.Context(), c, logger)
			if err != nil {
				return err
			}
			if s.exposed != "" {
				fmt.Fprintf(cmd.ErrOrStderr(), "accord: %s\n", s.exposed)
			}
			if s.node != nil {
				role := c.role
				if c.region != "" {
					role += " in region " + c.region + ", publishing unstored to " + stream.RegionStream(c.region)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "accord serving on %s (data in %s; stream %s, %d sector(s), role %s; log key %s)\n", s.URL, c.data, redact.URLs(c.stream), max(c.partitions, 1), role, s.logKey)
			} else {
				fmt.Fprintf(cmd.OutOrStdout(), "accord serving on %s (data in %s, %d observations restored; log key %s)\n", s.URL, c.data, s.restored, s.logKey)
			}
			select {
			case <-cmd.Context().Done():
			case err := <-s.done:
				s.done <- err
			case <-s.streamFailed():
				fmt.Fprintln(cmd.OutOrStdout(), "stopping")
				s.stop()
				return fmt.Errorf("the stream stopped: %w", s.node.Err())
			}
			fmt.Fprintln(cmd.OutOrStdout(), "stopping")
			return s.stop()
		},
	}
	c.register(cmd, "accord-data")
	registerConfigFile(cmd, &configPath)
	return cmd
}

// validHost reports whether a listening address's host is empty (every
// interface), an IP address (IPv6 with its zone) or a host name as RFC
// 1123 writes them: labels of letters, digits and inner hyphens (and the
// underscores of container names, which Go's resolver takes), the last
// not all digits (RFC 3696), so that 999.1.1.1 or 0x7f.1 — no address,
// and no name either — is refused before any lookup.
func validHost(host string) bool {
	if host == "" {
		return true
	}
	ip, _, _ := strings.Cut(host, "%")
	if net.ParseIP(ip) != nil {
		return ip == host || strings.Contains(ip, ":")
	}
	name := strings.TrimSuffix(host, ".")
	if name == "" || len(name) > 253 {
		return false
	}
	labels := strings.Split(name, ".")
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return false
			}
		}
	}
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
}

// warnReadable warns when a private key's file may be read by others
// than its owner (its mode gives the group or the world any access): whoever
// reads it signs as the log, or as the witness.
func warnReadable(logger *slog.Logger, path, what string) {
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm()&0o077 == 0 {
		return
	}
	logger.Warn(what+" may be read by others than its owner: chmod 600 it", "file", path, "mode", fmt.Sprintf("%04o", st.Mode().Perm()))
}
