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
	"fmt"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
)

// Unreachable is a request the server did not answer, that it cannot
// have acted on: the request was never sent whole (connection refused,
// host not found, TLS refused, no connection in time), or it only reads
// (GET, HEAD) and so changed nothing though sent. An answer, even an
// error status, is not one.
type Unreachable struct {
	Server string // the server as messages name it: without its password
	Err    error  // the client's error
}

func (e *Unreachable) Error() string {
	return e.Server + " could not be reached: " + e.Err.Error()
}

func (e *Unreachable) Unwrap() error { return e.Err }

// NoAnswer is a request that changes something (a POST, PUT, DELETE...),
// sent whole, to which no answer came: the server may have done it, so
// it is not one that could not be reached, and sending it again may do it
// twice.
type NoAnswer struct {
	Server       string // the server as messages name it: without its password
	Method, Path string
	Err          error // the client's error
}

func (e *NoAnswer) Error() string {
	return fmt.Sprintf("%s: no answer to %s %s once sent (%v): it may have been done; look at the server's record before sending it again", e.Server, e.Method, e.Path, e.Err)
}

func (e *NoAnswer) Unwrap() error { return e.Err }

// Do sends req with client (http.DefaultClient when nil). When no answer
// comes it returns an *Unreachable or, for a request that changes
// something and was sent whole, a *NoAnswer, each naming the server as
// server (give it without its password); a request whose context ended
// is left as the client says (the caller stopped, not the server).
func Do(client *http.Client, req *http.Request, server string) (*http.Response, error) {
	if client == nil {
		client = http.DefaultClient
	}
	var sent atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		WroteRequest: func(i httptrace.WroteRequestInfo) {
			if i.Err == nil {
				sent.Store(true) // the request is the server's now
			}
		},
	}))
	resp, err := client.Do(req)
	if err == nil || req.Context().Err() != nil {
		return resp, err
	}
	if sent.Load() && !readOnly(req.Method) {
		return nil, &NoAnswer{Server: server, Method: req.Method, Path: req.URL.Path, Err: err}
	}
	return nil, &Unreachable{Server: server, Err: err}
}

// readOnly says whether a request of this method changes nothing on the
// server (RFC 9110's safe methods).
func readOnly(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}
