package stream

import (
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Embedded is a NATS server with JetStream running in this process: the
// single-node mode (`accord serve --stream embedded`) and the tests. Its
// streams are kept as files under its directory, so a restart on the same
// directory finds them again.
type Embedded struct {
	srv *server.Server
	dir string
}

// EmbeddedConfig says where an embedded server keeps its streams and
// where it listens.
type EmbeddedConfig struct {
	// Dir holds JetStream's file store (created when absent).
	Dir string
	// Host and Port to listen on: 127.0.0.1 and any free port by default
	// (Port 0; the URL says which).
	Host string
	Port int
}

// StartEmbedded starts an embedded NATS server with JetStream on a file
// store in c.Dir and waits until it takes connections.
func StartEmbedded(c EmbeddedConfig) (*Embedded, error) {
	if c.Dir == "" {
		return nil, fmt.Errorf("embedded NATS server: no directory for its streams")
	}
	host, port := c.Host, c.Port
	if host == "" {
		host = "127.0.0.1"
	}
	if port == 0 {
		port = server.RANDOM_PORT
	}
	opts := &server.Options{
		ServerName: "accord-embedded",
		Host:       host,
		Port:       port,
		JetStream:  true,
		StoreDir:   c.Dir,
		NoSigs:     true,
		NoLog:      true,
		// The streams are the mission's: no limit but the disk's.
		JetStreamMaxStore:      -1,
		JetStreamMaxMemory:     -1,
		DisableJetStreamBanner: true,
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("embedded NATS server on %s (streams in %s): %w", net.JoinHostPort(host, strconv.Itoa(c.Port)), c.Dir, err)
	}
	go srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		return nil, fmt.Errorf("embedded NATS server on %s (streams in %s): not ready after 30s (is the port free? is %s writable?)", net.JoinHostPort(host, strconv.Itoa(c.Port)), c.Dir, filepath.Clean(c.Dir))
	}
	return &Embedded{srv: srv, dir: c.Dir}, nil
}

// URL is the server's client URL (nats://127.0.0.1:PORT).
func (e *Embedded) URL() string { return e.srv.ClientURL() }

// Shutdown stops the server and waits until it has stopped; its streams
// stay in its directory.
func (e *Embedded) Shutdown() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
}
