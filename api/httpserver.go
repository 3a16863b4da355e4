package api

import (
	"log/slog"
	"net/http"
	"time"
)

// Connection limits of the listener (docs/server.md): the time a request's
// headers may take, and a kept-alive connection's idle time. A body's time
// is the Server's BodyTimeout, per request; there is no server-wide read
// or write timeout, which would cut the feed's streams.
const (
	DefaultHeaderTimeout = 10 * time.Second
	DefaultIdleTimeout   = 30 * time.Second
)

// MaxHeaderBytes bounds a request's headers (net/http reads 4 KiB more,
// the request line among them): past it, net/http itself answers 431 in
// plain text, before any handler runs (docs/server.md, "Answers net/http
// writes itself"). The API's requests carry a few short headers (a bearer
// token, Last-Event-ID); net/http's default is 1 MiB a connection.
const MaxHeaderBytes = 64 << 10

// HTTPServer is the http.Server that serves the API: 'accord serve', the
// demo and the server benchmark all listen with it, so they hold the same
// limits.
func (s *Server) HTTPServer(headerTimeout, idleTimeout time.Duration) *http.Server {
	logger := s.Logger
	if logger == nil {
		logger = slog.Default()
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: headerTimeout, IdleTimeout: idleTimeout,
		MaxHeaderBytes: MaxHeaderBytes,
		ConnContext:    ConnContext, // the feed bounds its streams' send buffers
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	if s.Feed != nil {
		srv.RegisterOnShutdown(s.Feed.Close) // Shutdown would wait for the streams
	}
	return srv
}
