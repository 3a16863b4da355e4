package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/accord-peace/accord"
)

// Retry bounds the retries of an operation whose connection to the
// server was lost (the server down, restarting, a connection reset):
// the first retry after Initial, each next one after twice the delay
// before it (at most MaxDelay), each delay drawn between half and all of
// it (jitter), until the next one would start later than Max after the
// first attempt. Errors of the database's own — a constraint, bad
// input, a missing table — are never retried.
type Retry struct {
	Max      time.Duration // 0: DefaultRetry's
	Initial  time.Duration // 0: DefaultRetry's
	MaxDelay time.Duration // 0: DefaultRetry's
}

// DefaultRetry waits up to 30 s for the server to come back.
var DefaultRetry = Retry{Max: 30 * time.Second, Initial: 100 * time.Millisecond, MaxDelay: 2 * time.Second}

func (r Retry) orDefault() Retry {
	if r.Max <= 0 {
		r.Max = DefaultRetry.Max
	}
	if r.Initial <= 0 {
		r.Initial = DefaultRetry.Initial
	}
	if r.MaxDelay <= 0 {
		r.MaxDelay = DefaultRetry.MaxDelay
	}
	return r
}

// Observer is told of the retries and of the stores' availability: the
// server's /metrics implements it (api.Metrics), so that this package
// does not import the API.
type Observer interface {
	// StoreRetry counts one retry of an operation (op) of a store
	// (observations, incidents, sealed, confidential).
	StoreRetry(store, op string)
	// StoreUnavailable says whether a store's last operation found the
	// server unreachable (true) or reached it (false).
	StoreUnavailable(store string, unavailable bool)
}

// Options tune a database opened with OpenWith.
type Options struct {
	Retry    Retry
	Logger   *slog.Logger // nil: slog.Default()
	Observer Observer     // nil: none (SetObserver sets one later)
}

// SetObserver sets who is told of the retries and the availability.
func (d *DB) SetObserver(o Observer) {
	d.obsMu.Lock()
	d.obs = o
	d.obsMu.Unlock()
}

func (d *DB) observer() Observer {
	d.obsMu.Lock()
	defer d.obsMu.Unlock()
	return d.obs
}

// Lost reports whether err means the connection to the server was lost
// or could not be made — the server down, restarting, shutting down, a
// connection reset — rather than an error of the database's own.
func Lost(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ae *accord.Error
	if errors.As(err, &ae) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case len(pe.Code) == 5 && pe.Code[:2] == "08": // connection exception
			return true
		case pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03": // admin or crash shutdown, starting up
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	// pgx's own: a connection found closed, or an error before anything
	// was sent.
	return pgconn.SafeToRetry(err)
}

// connectTimedOut reports whether err is a connection given up at its own
// bound (connect_timeout, DefaultConnectTimeout): a server that does not
// answer, as a network dropping packets leaves it, which is a lost
// connection when the caller's context is still alive (Lost takes every
// deadline for the caller's).
func connectTimedOut(err error) bool {
	var ce *pgconn.ConnectError
	return errors.As(err, &ce) && errors.Is(err, context.DeadlineExceeded)
}

// do runs f, and again while it fails for a lost connection, with
// exponential backoff and jitter within the retry bound; each retry is
// logged and counted. After the bound the error is EUNAVAILABLE, its
// message naming the store and the operation (the API shows it), the
// error it wraps the database and the cause (the log's).
func (d *DB) do(ctx context.Context, store, op string, f func(ctx context.Context) error) error {
	start := time.Now()
	delay := d.retry.Initial
	for attempt := 1; ; attempt++ {
		err := f(ctx)
		lost := Lost(err) || ctx.Err() == nil && connectTimedOut(err)
		if o := d.observer(); o != nil && (err == nil || lost) {
			o.StoreUnavailable(store, lost)
		}
		if !lost {
			return err
		}
		wait := delay/2 + rand.N(delay/2+1)
		if time.Since(start)+wait > d.retry.Max {
			d.log.Error("postgres: giving up", "db", d.name, "store", store, "op", op, "attempts", attempt, "elapsed", time.Since(start).Round(time.Millisecond), "cause", err)
			// The message is the caller's (the API shows it to anyone);
			// where the database is, and the cause, are the operator's.
			return &accord.Error{Code: accord.EUNAVAILABLE, Err: fmt.Errorf("postgres %s: %w", d.name, err),
				Message: fmt.Sprintf("the %s store is unavailable (%s): the connection to its database was lost and not regained in %d attempts over %s; try again later", store, op, attempt, time.Since(start).Round(time.Millisecond))}
		}
		d.log.Warn("postgres: connection lost, retrying", "db", d.name, "store", store, "op", op, "attempt", attempt, "delay", wait.Round(time.Millisecond), "cause", err)
		if o := d.observer(); o != nil {
			o.StoreRetry(store, op)
		}
		d.retries.Add(1)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("postgres %s: the %s store (%s): waiting to retry after %v: %w", d.name, store, op, err, ctx.Err())
		case <-t.C:
		}
		delay = min(2*delay, d.retry.MaxDelay)
	}
}

// Retries is the number of retries since the database was opened.
func (d *DB) Retries() int64 { return d.retries.Load() }
