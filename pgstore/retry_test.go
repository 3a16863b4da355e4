package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/pgtest"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/monitor/monitortest"
)

// Lost connections are retried; the database's own errors — constraints,
// bad input — and the domain's are not.
func TestLostClassifies(t *testing.T) {
	for _, c := range []struct {
		err  error
		lost bool
	}{
		{&pgconn.PgError{Code: "57P01"}, true}, // admin shutdown (pg_ctl stop -m fast)
		{&pgconn.PgError{Code: "57P03"}, true}, // starting up
		{&pgconn.PgError{Code: "08006"}, true}, // connection failure
		{fmt.Errorf("x: %w", syscall.ECONNREFUSED), true},
		{fmt.Errorf("x: %w", syscall.ECONNRESET), true},
		{io.ErrUnexpectedEOF, true},
		{&pgconn.PgError{Code: "23505"}, false}, // unique violation
		{&pgconn.PgError{Code: "22P02"}, false}, // bad input
		{&pgconn.PgError{Code: "42P01"}, false}, // no such table
		{accord.Errorf(accord.EINVALID, "conflict"), false},
		{context.Canceled, false},
		{errors.New("something else"), false},
	} {
		if got := Lost(c.err); got != c.lost {
			t.Errorf("Lost(%v) = %v, want %v", c.err, got, c.lost)
		}
	}
}

// A Put whose commit reached the server but whose answer was lost with
// the connection is retried with the same batch token: the retry finds
// the rows as its own and counts them as added (so they are fused), and
// stores nothing twice. A refused batch is not retried.
func TestRetriedPutFindsItsOwnRows(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, pgtest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := NewObservationStore(db)
	a, b := monitortest.Observation("s", "1"), monitortest.Observation("s", "2")
	rows := func(os ...monitor.Observation) []row {
		var rs []row
		for i, o := range os {
			f, _ := o.MarshalJSON()
			rs = append(rs, row{i: i, source: o.Source.ID, id: o.ID, digest: accord.DigestOf(f), at: o.ObservedAt, feature: f})
		}
		return rs
	}
	token := [16]byte{1}
	if added, err := s.insert(ctx, rows(a, b), token, nil, nil); err != nil || len(added) != 2 {
		t.Fatalf("first attempt: %v %v", added, err)
	}
	if added, err := s.insert(ctx, rows(a, b), token, nil, nil); err != nil || len(added) != 2 {
		t.Fatalf("the same batch again (its commit unacknowledged): %v %v; want both as added", added, err)
	}
	if added, err := s.insert(ctx, rows(a, b), [16]byte{2}, nil, nil); err != nil || len(added) != 0 {
		t.Fatalf("another batch resending them: %v %v; want none added", added, err)
	}
	if n, err := s.Len(ctx); err != nil || n != 2 {
		t.Fatalf("stored %d, %v; want 2", n, err)
	}
	c := a
	c.Count = 7
	if _, err := s.Put(ctx, []monitor.Observation{c}); accord.ErrorCode(err) != accord.EINVALID || db.Retries() != 0 {
		t.Fatalf("a conflicting batch: %v, %d retries; want EINVALID and none", err, db.Retries())
	}
}

// A PutPending whose commit reached the server but whose answer was lost
// is retried with the same batch token: the retry finds its pending
// record and keeps no second one (which would publish the batch again).
func TestRetriedPutPendingFindsItsRecord(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, pgtest.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := NewObservationStore(db)
	a, b := monitortest.Observation("s", "1"), monitortest.Observation("s", "2")
	var rs []row
	for i, o := range []monitor.Observation{a, b} {
		f, _ := o.MarshalJSON()
		rs = append(rs, row{i: i, source: o.Source.ID, id: o.ID, digest: accord.DigestOf(f), at: o.ObservedAt, feature: f})
	}
	token := [16]byte{1}
	var first, again int64
	if _, err := s.insert(ctx, rs, token, keepPending("n", nil, &first), nil); err != nil || first == 0 {
		t.Fatalf("first attempt: record %d, %v", first, err)
	}
	if _, err := s.insert(ctx, rs, token, keepPending("n", nil, &again), nil); err != nil || again != first {
		t.Fatalf("the same batch again (its commit unacknowledged): record %d, %v; want %d", again, err, first)
	}
	n := 0
	if err := s.Pending(ctx, "n", func(accord.PendingRecord) error { n++; return nil }); err != nil || n != 1 {
		t.Fatalf("%d pending records, %v; want 1", n, err)
	}
}
