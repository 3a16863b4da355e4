package reach

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultTimeout is how long accord's clients wait, by default, for a
// connection, for an answer once the request is sent, and for more of an
// answer while it comes.
const DefaultTimeout = 30 * time.Second

// defaultClient is the client of Do given none.
var defaultClient = NewClient(DefaultTimeout)

// NewClient is the HTTP client of accord's client commands and witness:
// it waits at most timeout for each step — to connect (the dial, the TLS
// handshake), for the server to take more of the request's body while it
// is sent, for the answer once the request is sent (its header), and for
// more of the answer's body while it comes — and gives up with a
// *Timeout saying which. It sets no deadline on the whole exchange: a
// stream (the feed) or a large answer lasts while its bytes come. Proxies
// are taken from the environment, as http.DefaultTransport does.
func NewClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = timeout
	return &http.Client{Transport: &patient{rt: t, timeout: timeout}}
}

// Timeout is a wait a client gave up: no answer within After of sending
// the request, or an answer that stopped, no more of its body within After
// (NewClient's); or, Whole, a request that took longer than the client's
// own Timeout, After, the most it may take whole (a witness's).
type Timeout struct {
	After time.Duration
	Whole bool
	// Sending says that the request's body was not all sent: the server
	// took no more of it within After; Sent is how many of its bytes
	// the transport had taken.
	Sending bool
	Sent    int64
	// Status and Read are the answer's status and the bytes of its body
	// read when it stopped; Status is empty when no answer came.
	Status string
	Read   int64
}

func (e *Timeout) Error() string {
	switch {
	case e.Sending:
		return fmt.Sprintf("the server took no more of the request's body within %v (%d of its bytes handed to the connection): it stopped reading", e.After, e.Sent)
	case e.Whole && e.Status == "":
		return fmt.Sprintf("no answer within %v, the most a request may take whole", e.After)
	case e.Whole:
		return fmt.Sprintf("the answer (%s) not whole within %v, the most a request may take whole: %d bytes of its body read", e.Status, e.After, e.Read)
	case e.Status == "":
		return fmt.Sprintf("no answer within %v of sending the request", e.After)
	}
	return fmt.Sprintf("the answer (%s) stopped after %d bytes of its body: no more within %v", e.Status, e.Read, e.After)
}

// Timeout reports true: a net.Error's timeout.
func (e *Timeout) Timeout() bool { return true }

// Temporary reports true: a later attempt may be answered.
func (e *Timeout) Temporary() bool { return true }

// patient is NewClient's transport: it ends a request whose answer does
// not come within timeout of its sending, and an answer whose body stops
// for timeout, by cancelling the request.
type patient struct {
	rt      http.RoundTripper
	timeout time.Duration
}

func (p *patient) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	var late atomic.Bool
	var send *sending // the request's body, while it is sent
	var mu sync.Mutex
	var wait *time.Timer
	answered := false // the answer came before the request was all written
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) {
			// A connection for an attempt: the first, or the transport's
			// retry after an attempt failed (the body again, from
			// GetBody, or as it was when none of it was read). The
			// waits begin again with it: the last attempt's answer's
			// wait does not run on, and its body is watched.
			if send != nil {
				send.restart()
			}
			mu.Lock()
			defer mu.Unlock()
			if wait != nil && !answered && wait.Stop() {
				wait = nil
			}
		},
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if send != nil {
				send.finish(false) // written whole (or failed): the answer's wait begins
			}
			if i.Err != nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if wait == nil && !answered {
				wait = time.AfterFunc(p.timeout, func() { late.Store(true); cancel() })
			}
		},
	})
	out := req.WithContext(ctx)
	if out.Body != nil && out.Body != http.NoBody {
		send = &sending{timeout: p.timeout}
		send.timer = time.AfterFunc(time.Hour, func() { send.stalled.Store(true); cancel() })
		send.timer.Stop() // started by each read's return
		out.Body = send.wrap(out.Body)
		if get := out.GetBody; get != nil {
			out.GetBody = func() (io.ReadCloser, error) {
				rc, err := get()
				if err != nil {
					return nil, err
				}
				return send.wrap(rc), nil
			}
		}
	}
	resp, err := p.rt.RoundTrip(out)
	if send != nil {
		send.finish(true) // an answer may come before the body is all sent
	}
	mu.Lock()
	answered = true
	stopped := wait == nil || wait.Stop()
	mu.Unlock()
	if err == nil && !stopped && late.Load() {
		// The answer came as the wait ended: the request is cancelled.
		resp.Body.Close()
		err = &Timeout{After: p.timeout}
	}
	if err != nil {
		cancel()
		if send != nil && send.stalled.Load() {
			return nil, &Timeout{After: p.timeout, Sending: true, Sent: send.sent.Load()}
		}
		if late.Load() && req.Context().Err() == nil {
			var t *Timeout
			if !errors.As(err, &t) {
				err = &Timeout{After: p.timeout}
			}
		}
		return nil, err
	}
	b := &idleBody{rc: resp.Body, cancel: cancel, timeout: p.timeout, status: resp.Status}
	b.timer = time.AfterFunc(time.Hour, b.stall)
	b.timer.Stop() // started by each read
	resp.Body = b
	return resp, nil
}

// idleBody is an answer's body that gives up when no more of it comes
// within timeout while it is read.
type idleBody struct {
	rc      io.ReadCloser
	cancel  context.CancelFunc
	timeout time.Duration
	status  string
	read    int64
	stalled atomic.Bool
	timer   *time.Timer // runs while a read waits
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.timer.Reset(b.timeout)
	n, err := b.rc.Read(p)
	b.timer.Stop()
	b.read += int64(n)
	if err != nil && !errors.Is(err, io.EOF) && b.stalled.Load() {
		err = &Timeout{After: b.timeout, Status: b.status, Read: b.read}
	}
	return n, err
}

func (b *idleBody) stall() {
	b.stalled.Store(true)
	b.cancel()
}

func (b *idleBody) Close() error {
	b.timer.Stop()
	err := b.rc.Close()
	b.cancel()
	return err
}

// sending watches a request's body while the transport sends it: the
// time between one read of it returning and the next read (or, after the
// last, the request written whole) is the time the server took to take
// the bytes read; past timeout, the request is cancelled (stalled). The
// time the body's own reads take is not counted: a slow source is not a
// server that stopped reading.
type sending struct {
	timeout time.Duration
	timer   *time.Timer
	stalled atomic.Bool
	sent    atomic.Int64

	mu       sync.Mutex
	finished bool // the attempt written, or the request answered: nothing more watched
	over     bool // the round trip returned: nothing watched again
}

// finish stops the watch: a read of the body after it (the transport
// writing on after an early answer) starts no wait — until the
// transport's next attempt (restart) unless over, the round trip ended.
func (s *sending) finish(over bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.finished = true
	s.over = s.over || over
	s.timer.Stop()
}

// restart watches the body again for a new attempt of the request,
// unless the round trip is over.
func (s *sending) restart() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.over {
		return
	}
	s.finished = false
	s.timer.Stop()
}

// between is called as a read of the body begins (false) and returns
// (true).
func (s *sending) between(returned bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !returned || s.finished {
		s.timer.Stop()
		return
	}
	s.timer.Reset(s.timeout)
}

func (s *sending) wrap(rc io.ReadCloser) io.ReadCloser { return &sendBody{rc: rc, s: s} }

// sendBody is a request's body watched by sending.
type sendBody struct {
	rc io.ReadCloser
	s  *sending
}

func (b *sendBody) Read(p []byte) (int, error) {
	b.s.between(false)
	n, err := b.rc.Read(p)
	b.s.sent.Add(int64(n))
	b.s.between(true)
	return n, err
}

func (b *sendBody) Close() error { return b.rc.Close() }
