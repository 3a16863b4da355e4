package stream

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/redact"
)

// Conn is a connection to the stream cluster (or the embedded server) and
// its JetStream context.
type Conn struct {
	NC  *nats.Conn
	JS  jetstream.JetStream
	URL string
}

// Connect connects to NATS at url (nats://host:port, several separated by
// commas for a cluster) and checks that JetStream answers there. Once
// connected, a lost connection is retried without end (Start counts and
// logs the reconnects); at start an unreachable server is an
// error naming the URL, the host:port tried and what to check.
func Connect(ctx context.Context, rawURL, name string) (*Conn, error) {
	c := &Conn{URL: rawURL}
	opts := []nats.Option{
		nats.Name(name),
		nats.Timeout(5 * time.Second),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.ReconnectBufSize(64 << 20),
	}
	nc, err := nats.Connect(rawURL, opts...)
	if err != nil {
		return nil, unreachable(rawURL, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, unreachable(rawURL, err)
	}
	actx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := js.AccountInfo(actx); err != nil {
		nc.Close()
		return nil, &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf(
			"NATS at %s answers but JetStream does not; start nats-server with JetStream enabled (-js, or jetstream {} in its configuration), and in a cluster wait until it has a leader", redact.URLs(rawURL)), Err: err}
	}
	c.NC, c.JS = nc, js
	return c, nil
}

// Ping checks that the server answers (a round trip).
func (c *Conn) Ping(ctx context.Context) error {
	d := 5 * time.Second
	if dl, ok := ctx.Deadline(); ok {
		d = time.Until(dl)
	}
	if err := c.NC.FlushTimeout(d); err != nil {
		return fmt.Errorf("NATS at %s does not answer: %w", redact.URLs(c.URL), err)
	}
	return nil
}

// Close drains nothing: it closes the connection (what is unacknowledged
// is redelivered to whoever consumes next).
func (c *Conn) Close() { c.NC.Close() }

// unreachable says which NATS could not be reached, where, and what to
// check.
func unreachable(rawURL string, err error) error {
	var hosts []string
	for _, u := range strings.Split(rawURL, ",") {
		u = strings.TrimSpace(u)
		if !strings.Contains(u, "://") {
			u = "nats://" + u
		}
		p, perr := url.Parse(u)
		if perr != nil || p.Host == "" {
			return &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf(
				"--stream %q: not a NATS URL; want nats://HOST:PORT (several separated by commas for a cluster) or embedded", redact.URLs(rawURL)), Err: err}
		}
		h := p.Host
		if p.Port() == "" {
			h = net.JoinHostPort(p.Hostname(), "4222")
		}
		hosts = append(hosts, h)
	}
	hint := "is nats-server running there with JetStream (-js)? is the port right (4222 by default)? does a firewall block it? or run --stream embedded for a single node"
	if errors.Is(err, nats.ErrAuthorization) || strings.Contains(strings.ToLower(err.Error()), "authorization") {
		hint = "the server refused the credentials: check the user and password in the URL (nats://USER:PASSWORD@HOST:PORT)"
	}
	return &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf(
		"cannot connect to NATS at %s (%s); %s", redact.URLs(rawURL), strings.Join(hosts, ", "), hint), Err: err}
}
