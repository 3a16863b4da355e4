package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/redact"
	"github.com/accord-peace/accord/stream"
	"github.com/accord-peace/accord/witness"
)

// witnessConfig is what 'serve --role witness' adds to the server's
// configuration: the server whose log the party's node follows, the log's
// key, the witness's own key and its pace. Its state is kept in --data,
// its read API served on --addr; --agreement, --keys and --origin are
// those of the record it replays.
type witnessConfig struct {
	server, logKey, key, tokenFile string
	every, poll                    time.Duration
}

func (w *witnessConfig) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&w.server, "witness-server", "", "with --role witness: the base URL of the server whose log this party's node follows, verifies and cosigns")
	f.StringVar(&w.logKey, "witness-log-key", "", "with --role witness: the log's public note key, or a file holding it (the server prints it at start, and writes it to log.pub in its --data)")
	f.StringVar(&w.key, "key", "", "with --role witness: the witness's private note key, a file ('accord ledger keygen NAME', first line)")
	f.StringVar(&w.tokenFile, "witness-token-file", "", "with --role witness: a file holding the bearer token that opens the sealed entries of open consultations on --witness-server, so that the engine's replay goes past them (without it, the replay stops at the first, as in accord verify); a file, so that the token is not on the command line nor in 'config check'")
	f.DurationVar(&w.every, "witness-every", witness.DefaultEvery, "with --role witness: the least time between two rounds while following the server's feed")
	f.DurationVar(&w.poll, "witness-poll", witness.DefaultPoll, "with --role witness: time between two rounds when the server has no feed")
}

// problems lists what keeps a witness node from starting: the flags it
// needs, for the role that needs them.
func (w *witnessConfig) problems(role string) []string {
	var ps []string
	if role != stream.RoleWitness {
		// A party's node's flags on another role would be ignored: said,
		// rather than a server started that is not the one meant.
		if w.server != "" || w.logKey != "" || w.key != "" || w.tokenFile != "" {
			ps = append(ps, fmt.Sprintf("--witness-server, --witness-log-key, --key and --witness-token-file are a witness node's (--role witness); with --role %s they would be ignored", role))
		}
		// The durations may come from a host's environment shared with a
		// witness node: not refused on another role, but a negative one
		// is no duration at all.
		if w.every < 0 || w.poll < 0 {
			ps = append(ps, fmt.Sprintf("--witness-every %v, --witness-poll %v: want durations above 0", w.every, w.poll))
		}
		return ps
	}
	if w.server == "" || w.logKey == "" || w.key == "" {
		ps = append(ps, "--role witness: --witness-server, --witness-log-key and --key are required")
	}
	if w.server != "" {
		if err := witness.CheckServer(strings.TrimSuffix(w.server, "/")); err != nil {
			ps = append(ps, "--witness-server: "+err.Error())
		}
	}
	if w.every <= 0 || w.poll <= 0 {
		ps = append(ps, fmt.Sprintf("--witness-every %v, --witness-poll %v: want durations above 0", w.every, w.poll))
	}
	return ps
}

// witnessNode is a party's node in the serve process: the witness
// following a server, and the read API of its state.
type witnessNode struct {
	URL    string
	name   string
	w      *witness.Witness
	http   *http.Server
	status *witnessStatus
	done   chan error
	// followed is closed when the witness stopped following.
	followed chan struct{}
}

// witnessStatus is the node's state as GET /v1/witness serves it, kept
// from the witness's events.
type witnessStatus struct {
	mu sync.Mutex
	st witnessState

	verified, cosignedSize prometheus.Gauge
	refusals, errors       prometheus.Counter
}

// witnessState is the answer of GET /v1/witness.
type witnessState struct {
	Witness string `json:"witness"`
	Server  string `json:"server"`
	LogKey  string `json:"log_key"`
	// Following is how it follows the server's log: feed, polling (the
	// server has no feed) or reconnecting (the feed dropped).
	Following string `json:"following"`
	// Cosigned is the last checkpoint cosigned: its size, root and the
	// checkpoint signed by the log and this witness.
	Cosigned struct {
		Size       int64  `json:"size"`
		Root       string `json:"root,omitempty"`
		Checkpoint string `json:"checkpoint,omitempty"`
		// Witnesses are those whose cosignatures the server published
		// with it, as it answered the last cosignature posted.
		Witnesses []string `json:"witnesses,omitempty"`
	} `json:"cosigned"`
	// EntriesVerified is the size of the log verified, every entry from
	// the first (the copy kept is verified again at start).
	EntriesVerified int64 `json:"entries_verified"`
	// Agreements are the agreements replayed and their state hashes after
	// the last entries verified (none until the first new entries since
	// this node started); PartialAt the sealed entry that stopped the
	// replay, if any.
	Agreements []string          `json:"agreements"`
	States     map[string]string `json:"states,omitempty"`
	PartialAt  *int64            `json:"partial_at,omitempty"`
	Refusals   int64             `json:"refusals"`
	// LastRefusal is the last checkpoint refused and why.
	LastRefusal *witness.Refusal `json:"last_refusal,omitempty"`
	LastError   *witnessError    `json:"last_error,omitempty"`
	UpdatedAt   time.Time        `json:"updated_at"`
}

type witnessError struct {
	At    time.Time `json:"at"`
	Error string    `json:"error"`
}

func (s *witnessStatus) event(ev witness.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.UpdatedAt = time.Now().UTC()
	switch ev.Event {
	case "verified":
		s.st.EntriesVerified = ev.Size
		s.st.States, s.st.PartialAt = ev.States, ev.Partial
		s.verified.Set(float64(ev.Size))
	case "cosigned":
		s.st.Cosigned.Size, s.st.Cosigned.Root, s.st.Cosigned.Witnesses = ev.Size, ev.Root, ev.Witnesses
		s.cosignedSize.Set(float64(ev.Size))
	case "refused":
		s.st.Refusals++
		s.st.LastRefusal = ev.Refusal
		s.refusals.Inc()
	}
}

func (s *witnessStatus) mode(m string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.Following = m
}

func (s *witnessStatus) failed(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.st.LastError = &witnessError{At: time.Now().UTC(), Error: err.Error()}
	s.errors.Inc()
}

// startWitnessNode opens the witness in --data, serves its state on
// --addr and follows the server until ctx is done.
func startWitnessNode(ctx context.Context, cmd *cobra.Command, c serverConfig, logger *slog.Logger) (*witnessNode, error) {
	wc := c.witness
	signer, err := readSigner("--key", wc.key)
	if err != nil {
		return nil, err
	}
	warnReadable(logger, wc.key, "the witness's private key (--key)")
	lv, err := readVerifier("--witness-log-key", wc.logKey)
	if err != nil {
		return nil, err
	}
	var token string
	if wc.tokenFile != "" {
		b, err := os.ReadFile(wc.tokenFile)
		if err != nil {
			return nil, &accord.Error{Code: accord.ENOTFOUND, Message: "--witness-token-file " + wc.tokenFile, Err: err}
		}
		token = strings.TrimSpace(string(b))
	}
	as, reg, signed, err := loadAgreementsRegistry(c.agreements, c.keys)
	if err != nil {
		return nil, err
	}
	server := strings.TrimSuffix(wc.server, "/")
	// The address first: a port taken leaves --data as it was.
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return nil, listenError(c.addr, err)
	}
	client := witnessClient(time.Minute)
	w, err := witness.Open(witness.Config{Server: server, Origin: c.origin, Log: lv, Signer: signer, Dir: c.data,
		Registry: reg, Agreements: as, Signed: signed, Client: client,
		Open: openSealedWith(cmd, client, server, token)})
	if err != nil {
		ln.Close()
		return nil, &accord.Error{Code: accord.EINVALID, Message: "witness " + signer.Name() + " in --data " + c.data, Err: err}
	}
	n := &witnessNode{name: signer.Name(), w: w, done: make(chan error, 1), followed: make(chan struct{}), status: newWitnessStatus()}
	st := &n.status.st
	st.Witness, st.Server, st.LogKey, st.Following = signer.Name(), w.Server(), lv.Name(), witness.ModeReconnecting
	for _, a := range as {
		st.Agreements = append(st.Agreements, a.ID)
	}
	st.Cosigned.Size, st.EntriesVerified = w.Last().N, w.Last().N
	if st.Cosigned.Size > 0 {
		st.Cosigned.Root = w.Last().Hash.String()
	}
	n.status.verified.Set(float64(w.Last().N))
	n.status.cosignedSize.Set(float64(w.Last().N))

	reg2 := prometheus.NewRegistry()
	reg2.MustRegister(n.status.verified, n.status.cosignedSize, n.status.refusals, n.status.errors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/witness", n.getStatus)
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg2, promhttp.HandlerOpts{}))
	n.URL = "http://" + ln.Addr().String()
	n.http = &http.Server{Handler: mux, ReadHeaderTimeout: c.headerTimeout, IdleTimeout: c.idleTimeout}
	go func() { n.done <- n.http.Serve(ln) }()

	go func() {
		defer close(n.followed)
		w.Follow(ctx, witness.FollowConfig{Every: wc.every, Poll: wc.poll, Logger: logger, OnError: n.status.failed, OnMode: n.status.mode}, func(ev witness.Event) {
			n.status.event(ev)
			switch ev.Event {
			case "refused":
				logger.Warn("witness refused a checkpoint", "witness", n.name, "size", ev.Size, "entry", ev.Refusal.Index, "reason", ev.Refusal.Reason)
			case "cosigned":
				logger.Info("witness cosigned a checkpoint", "witness", n.name, "size", ev.Size, "root", ev.Root, "witnesses", strings.Join(ev.Witnesses, ","))
			}
		})
	}()
	return n, nil
}

func newWitnessStatus() *witnessStatus {
	return &witnessStatus{
		verified: prometheus.NewGauge(prometheus.GaugeOpts{Name: "accord_witness_verified_entries",
			Help: "Entries of the server's log this witness verified, every one from the first."}),
		cosignedSize: prometheus.NewGauge(prometheus.GaugeOpts{Name: "accord_witness_cosigned_size",
			Help: "Size of the last checkpoint this witness cosigned."}),
		refusals: prometheus.NewCounter(prometheus.CounterOpts{Name: "accord_witness_refusals_total",
			Help: "Checkpoints this witness refused to cosign (a fork, a rollback, an entry or a signature that does not verify, a replay that fails)."}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{Name: "accord_witness_errors_total",
			Help: "Rounds that failed and feed connections that dropped (the server not reached): retried with backoff."}),
	}
}

// getStatus serves the node's state.
func (n *witnessNode) getStatus(w http.ResponseWriter, r *http.Request) {
	n.status.mu.Lock()
	st := n.status.st
	n.status.mu.Unlock()
	if cp, err := n.w.Checkpoint(); err == nil {
		st.Cosigned.Checkpoint = string(cp)
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(st)
}

// stop waits for the witness to stop following (its context done) and
// shuts the node's API down.
func (n *witnessNode) stop() error {
	<-n.followed
	defer n.w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := n.http.Shutdown(ctx)
	if e := <-n.done; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}

// serveWitness runs 'serve --role witness' until the command's context is
// done.
func serveWitness(cmd *cobra.Command, c serverConfig) error {
	logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
	ctx, cancel := context.WithCancel(cmd.Context())
	defer cancel()
	n, err := startWitnessNode(ctx, cmd, c, logger)
	if err != nil {
		return err
	}
	n.status.mu.Lock()
	size := n.status.st.Cosigned.Size
	n.status.mu.Unlock()
	fmt.Fprintf(cmd.OutOrStdout(), "accord witness %s serving its state on %s/v1/witness (following %s; state in %s, last cosigned %d entries)\n", n.name, n.URL, redact.URL(c.witness.server), c.data, size)
	select {
	case <-cmd.Context().Done():
	case err := <-n.done:
		n.done <- err
	}
	fmt.Fprintln(cmd.OutOrStdout(), "stopping")
	cancel()
	return n.stop()
}
