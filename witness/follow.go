package witness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/accord-peace/accord/internal/reach"
)

// Defaults of FollowConfig's fields.
const (
	DefaultEvery      = time.Second      // least time between two rounds
	DefaultPoll       = 5 * time.Second  // between two rounds when the server has no feed
	DefaultMaxBackoff = 30 * time.Second // the longest wait before reconnecting to the feed
	DefaultIdle       = 45 * time.Second // a feed silent so long is dropped (keepalives every 15 s)
	DefaultFeedRetry  = time.Minute      // a server without a feed is asked for it again after so long
	minBackoff        = 100 * time.Millisecond
)

// FollowConfig says how a witness follows a server's log (Follow). Its
// zero value is the defaults.
type FollowConfig struct {
	// Every is the least time between two rounds: the events of a batch,
	// and those of the batches that arrive meanwhile, make one round.
	Every time.Duration
	// Poll is the time between two rounds while the server has no feed
	// (an answer other than a stream to GET /v1/feed).
	Poll time.Duration
	// MaxBackoff bounds the wait before reconnecting to a feed that
	// dropped or could not be reached (from 100 ms, doubled at each
	// failure, with jitter), and before retrying a round that failed.
	MaxBackoff time.Duration
	// Idle is how long the feed may stay silent — no keepalive, no whole
	// event — before it is dropped and reconnected (the server sends a
	// keepalive every 15 s).
	Idle time.Duration
	// FeedRetry is how long a witness polls a server without a feed
	// before asking for it again.
	FeedRetry time.Duration
	// Logger says when the feed drops, could not be reached, reconnects
	// or is not available, and why a round failed — the server not
	// reached, or its error answer with the status (discarded when nil).
	Logger *slog.Logger
	// OnError is told each error that is not a refusal: a round that
	// failed (the server not reached, an answer not understood) or the
	// feed that dropped. Refusals are reported as events.
	OnError func(error)
	// OnMode is told how the witness follows the log whenever that
	// changes: ModeFeed, ModePolling or ModeReconnecting.
	OnMode func(string)
}

// How a witness follows the log (FollowConfig.OnMode).
const (
	ModeFeed         = "feed"         // subscribed to the server's feed
	ModePolling      = "polling"      // the server has no feed: a round every Poll
	ModeReconnecting = "reconnecting" // the feed dropped or was not reached: reconnecting with backoff
)

func (fc FollowConfig) withDefaults() FollowConfig {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&fc.Every, DefaultEvery)
	def(&fc.Poll, DefaultPoll)
	def(&fc.MaxBackoff, DefaultMaxBackoff)
	def(&fc.Idle, DefaultIdle)
	def(&fc.FeedRetry, DefaultFeedRetry)
	if fc.Logger == nil {
		fc.Logger = slog.New(slog.DiscardHandler)
	}
	if fc.OnError == nil {
		fc.OnError = func(error) {}
	}
	if fc.OnMode == nil {
		fc.OnMode = func(string) {}
	}
	return fc
}

// Follow follows the server's log until ctx is done: it subscribes to the
// server's feed (GET /v1/feed, server-sent events) and runs a round
// (Round) when it connects and when an event or a keepalive arrives, at
// most one round per Every, so that a batch's events and those that come
// while a round runs make one more round, not one each. Entries the feed
// does not announce (a refused submission) are caught by the round of the
// next keepalive, at most 15 s later.
//
// It never asks the feed to replay what it missed (no Last-Event-ID): what
// it needs is the log's size, not the events, and a round fetches the
// checkpoint, which covers everything appended while it was away.
//
// When the feed drops or cannot be reached it reconnects with backoff
// (from 100 ms to MaxBackoff) and runs a round on reconnecting. When the
// server answers GET /v1/feed with something other than a stream (no feed
// there: 404; too many streams: 429) it polls every Poll instead, says so
// in the log, and asks for the feed again after FeedRetry. A refused
// checkpoint is reported and the witness keeps following, refusing until
// the server serves a history that extends the one it cosigned. Follow
// returns nil when ctx is done.
func (w *Witness) Follow(ctx context.Context, fc FollowConfig, report func(Event)) error {
	fc = fc.withDefaults()
	wake := make(chan struct{}, 1)
	signal := func() {
		select {
		case wake <- struct{}{}:
		default: // a round is due already
		}
	}
	var polling, connected atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.watch(ctx, fc, signal, &polling, &connected)
	}()
	defer func() { <-done }()

	var last time.Time
	var retry <-chan time.Time
	fails := 0
	for {
		var poll <-chan time.Time
		if polling.Load() {
			poll = time.After(fc.Poll)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-poll:
		case <-retry:
		}
		retry = nil
		if wait := fc.Every - time.Since(last); wait > 0 && !sleep(ctx, wait) {
			return nil
		}
		select {
		case <-wake: // what came meanwhile is in this round
		default:
		}
		last = time.Now()
		err := w.Round(ctx, report)
		var r *Refusal
		switch {
		case err == nil || errors.As(err, &r):
			fails = 0
		case ctx.Err() != nil:
			return nil
		case !connected.Load() && !polling.Load():
			// The server is not reached: the feed's reconnection runs
			// the next round.
			fc.Logger.Warn("witness round failed: "+roundFailure(err)+"; the next one when the feed is back", "witness", w.cfg.Signer.Name(), "server", w.server, "err", err)
			fc.OnError(err)
		default:
			fails++
			d := backoff(fails, fc.MaxBackoff)
			fc.Logger.Warn("witness round failed: "+roundFailure(err), "witness", w.cfg.Signer.Name(), "server", w.server, "err", err, "retry_in", d)
			fc.OnError(err)
			retry = time.After(d)
		}
	}
}

// roundFailure says for the log why a round failed: the server could not
// be reached (*Unreachable: nothing verified, a later round may reach
// it), sent the cosignature no answer (*NoAnswer), answered with an
// error status, or answered something the witness could not use (or its
// state could not be kept).
func roundFailure(err error) string {
	var u *Unreachable
	var na *NoAnswer
	var se *statusError
	switch {
	case errors.As(err, &u):
		return "the server could not be reached"
	case errors.As(err, &na):
		return "no answer to the cosignature once sent"
	case errors.As(err, &se):
		return "the server answered an error (" + se.status + ")"
	}
	return "the server's answer could not be used, or the state kept"
}

// noFeed is an answer to GET /v1/feed that is not a stream.
type noFeed struct {
	status string
	retry  time.Duration // Retry-After, if any
}

func (e *noFeed) Error() string { return "no feed: GET /v1/feed answered " + e.status }

// watch keeps the witness subscribed to the feed, signalling a round on
// every connection, event and keepalive, and switching to polling while
// the server has no feed; up says whether the feed is connected.
func (w *Witness) watch(ctx context.Context, fc FollowConfig, signal func(), polling, up *atomic.Bool) {
	name := w.cfg.Signer.Name()
	fails := 0
	connected := func() {
		up.Store(true)
		fc.OnMode(ModeFeed)
		if polling.Swap(false) {
			fc.Logger.Info("the server's feed is back: following it, polling stopped", "witness", name, "server", w.server)
		} else {
			fc.Logger.Info("following the server's feed", "witness", name, "server", w.server, "reconnects", fails)
		}
		signal()
	}
	// The backoff starts again once the feed is heard, not when it
	// connects: a feed dropped at once is reconnected with the backoff.
	heard := func() {
		fails = 0
		signal()
	}
	for ctx.Err() == nil {
		err := w.stream(ctx, fc, heard, connected)
		wasUp := up.Swap(false)
		if ctx.Err() != nil {
			return
		}
		var nf *noFeed
		if errors.As(err, &nf) {
			wait := max(fc.FeedRetry, nf.retry)
			if !polling.Swap(true) {
				fc.OnMode(ModePolling)
				fc.Logger.Warn("the server's feed is not available: polling instead", "witness", name, "server", w.server, "answer", nf.status, "poll_every", fc.Poll, "feed_again_in", wait)
			}
			fc.OnError(err)
			signal()
			sleep(ctx, wait)
			continue
		}
		if fails++; fails == 1 || wasUp {
			fc.OnMode(ModeReconnecting)
		}
		d := backoff(fails, fc.MaxBackoff)
		what := "the server's feed dropped: reconnecting"
		var u *Unreachable
		if errors.As(err, &u) {
			what = "the server's feed could not be reached: reconnecting"
		}
		fc.Logger.Warn(what, "witness", name, "server", w.server, "err", err, "attempt", fails, "retry_in", d)
		fc.OnError(fmt.Errorf("the feed of %s: %w", w.server, err))
		sleep(ctx, d)
	}
}

// stream reads the feed until it drops: connected is called once it
// answers with a stream, signal on every event and keepalive.
func (w *Witness) stream(ctx context.Context, fc FollowConfig, signal, connected func()) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.cfg.Server+"/v1/feed", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	// The feed's stream lasts: the client's own timeout, if any, would cut
	// it, so a client without one is used; Idle bounds the silence.
	client := *w.cfg.Client
	client.Timeout = 0
	var silent atomic.Bool
	idle := time.AfterFunc(fc.Idle, func() { silent.Store(true); cancel() })
	defer idle.Stop()
	resp, err := reach.Do(&client, req, w.server)
	if err != nil {
		if silent.Load() {
			return &Unreachable{Server: w.server, Err: fmt.Errorf("no answer to GET /v1/feed within %v", fc.Idle)}
		}
		return err
	}
	defer resp.Body.Close()
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); resp.StatusCode != http.StatusOK || ct != "text/event-stream" {
		nf := &noFeed{status: fmt.Sprintf("%s (%s)", resp.Status, resp.Header.Get("Content-Type"))}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
			nf.retry = time.Duration(s) * time.Second
		}
		return nf
	}
	connected()
	br := bufio.NewReaderSize(resp.Body, 64<<10)
	data := false
	for {
		line, err := br.ReadSlice('\n')
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			if silent.Load() {
				return fmt.Errorf("the feed was silent for %v", fc.Idle)
			}
			if errors.Is(err, io.EOF) {
				return errors.New("the server closed the feed")
			}
			// The feed was reached and dropped: not one that could not be
			// reached, as reach calls a read's answer cut.
			var u *Unreachable
			if errors.As(err, &u) {
				return u.Err
			}
			return err
		}
		// Only a keepalive or a whole event breaks the silence: lines
		// that never make one say nothing.
		switch {
		case errors.Is(err, bufio.ErrBufferFull): // a long data line: its rest follows
		case strings.HasPrefix(string(line), ":"): // a keepalive
			idle.Reset(fc.Idle)
			signal()
		case len(strings.TrimSpace(string(line))) == 0: // the end of an event
			if data {
				idle.Reset(fc.Idle)
				signal()
			}
			data = false
		default:
			data = true
		}
	}
}

// backoff is the wait before attempt n+1 after n failures: 100 ms doubled
// each time up to most, with up to a quarter of jitter.
func backoff(n int, most time.Duration) time.Duration {
	d := minBackoff << min(n-1, 20)
	if d > most || d <= 0 {
		d = most
	}
	return d - time.Duration(rand.Int64N(int64(d)/4+1))
}

// sleep waits d or until ctx is done; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
