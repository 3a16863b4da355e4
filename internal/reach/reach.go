// Package reach sends a client's request to a server and tells a server
// that could not be reached — no answer came: the connection refused or
// cut, the host not found, no answer in time — from one that answered,
// even with an error. accord's client commands exit 3 for the first (a
// later run may succeed) and 1 for an answer refusing the request; the
// witness says which it met. One path for every client: the commands'
// (negotiation, reconstruction, exchange, consult, verify) and the
// witness's.
package reach

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"
)

// Unreachable is a request the server did not answer, that it cannot
// have acted on: the request was never sent whole (connection refused,
// host not found, TLS refused, no connection in time), or it only reads
// (GET, HEAD) and so changed nothing though sent — no answer came, or its
// answer stopped in its middle. An answer, even an error status, is not
// one.
type Unreachable struct {
	Server string // the server as messages name it: without its password
	// Request is the request, "GET /v1/ledger", when it was sent: one
	// that only reads; empty when it was never sent whole.
	Request string
	Err     error // the client's error
}

func (e *Unreachable) Error() string {
	if e.Request != "" {
		return fmt.Sprintf("%s could not be reached: %s sent: %v; it only reads, so nothing was done: try again later", e.Server, e.Request, cause(e.Err))
	}
	return e.Server + " could not be reached: " + e.Err.Error()
}

func (e *Unreachable) Unwrap() error { return e.Err }

// NoAnswer is a request that changes something (a POST, PUT, DELETE...),
// sent whole, to which no answer came, or whose answer stopped in its
// middle: the server may have done it, so it is not one that could not be
// reached, and sending it again may do it twice.
type NoAnswer struct {
	Server       string // the server as messages name it: without its password
	Method, Path string
	Err          error // the client's error
}

func (e *NoAnswer) Error() string {
	return fmt.Sprintf("%s: no answer to %s %s once sent (%v): it may have been done; look at the server's record before sending it again", e.Server, e.Method, e.Path, cause(e.Err))
}

func (e *NoAnswer) Unwrap() error { return e.Err }

// cause is the client's error without the request's method and URL,
// which the messages name themselves.
func cause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Do sends req with client (a client of NewClient with DefaultTimeout
// when nil). When no answer comes it returns an *Unreachable or, for a
// request that changes something and was sent whole, a *NoAnswer, each
// naming the server as server (give it without its password); the
// answer's body, when it stops in its middle, gives one of them too as
// its read's error. A request whose context ended is left as the client
// says (the caller stopped, not the server).
func Do(client *http.Client, req *http.Request, server string) (*http.Response, error) {
	if client == nil {
		client = defaultClient
	}
	var sent atomic.Bool
	ctx := req.Context()
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				sent.Store(true) // the request is the server's now
			}
		},
	}))
	// whole says which error is the client's own Timeout (a deadline on
	// the whole request) and how far the answer came.
	whole := func(err error, status string, read int64) error {
		var t *Timeout
		var ne net.Error
		if client.Timeout > 0 && !errors.As(err, &t) && errors.As(err, &ne) && ne.Timeout() {
			return &Timeout{After: client.Timeout, Whole: true, Status: status, Read: read}
		}
		return err
	}
	noAnswer := func(err error) error {
		if !readOnly(req.Method) {
			return &NoAnswer{Server: server, Method: req.Method, Path: req.URL.Path, Err: err}
		}
		return &Unreachable{Server: server, Request: req.Method + " " + req.URL.Path, Err: err}
	}
	resp, err := client.Do(req)
	if err == nil {
		status := resp.Status
		resp.Body = &answerBody{rc: resp.Body, fail: func(err error, read int64) error {
			if ctx.Err() != nil {
				return err
			}
			return noAnswer(whole(err, status, read))
		}}
		return resp, nil
	}
	if ctx.Err() != nil {
		return resp, err
	}
	if sent.Load() {
		return nil, noAnswer(whole(err, "", 0))
	}
	return nil, &Unreachable{Server: server, Err: whole(err, "", 0)}
}

// answerBody is an answer's body whose read errors (the answer stopped,
// or was cut) say what they mean for the request.
type answerBody struct {
	rc   io.ReadCloser
	fail func(err error, read int64) error
	read int64
}

func (b *answerBody) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.read += int64(n)
	if err != nil && !errors.Is(err, io.EOF) {
		err = b.fail(err, b.read)
	}
	return n, err
}

func (b *answerBody) Close() error { return b.rc.Close() }

// readOnly says whether a request of this method changes nothing on the
// server (RFC 9110's safe methods).
func readOnly(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}
