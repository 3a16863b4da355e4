package main

import (
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/accord-peace/accord/internal/reach"
)

// timeoutUsage is the --timeout flag's usage in the client commands.
const timeoutUsage = "the longest wait for the server at each step: to connect, for it to take more of the request while it is sent, for its answer once the request is sent, for more of the answer while it comes; no limit on the whole (default 30s, or $ACCORD_TIMEOUT)"

// clientTimeout is the --timeout of a client command and the one HTTP
// client it gives (reach.NewClient): its value when given, else
// $ACCORD_TIMEOUT, else reach.DefaultTimeout.
type clientTimeout struct {
	d   time.Duration
	set bool
	hc  *http.Client
}

// register adds --timeout to a client command.
func (t *clientTimeout) register(c *cobra.Command) {
	c.Flags().Var(t, "timeout", timeoutUsage)
}

// Set parses --timeout: a duration above 0.
func (t *clientTimeout) Set(s string) error {
	d, err := parseTimeout(s)
	if err != nil {
		return err
	}
	t.d, t.set = d, true
	return nil
}

func (t *clientTimeout) String() string {
	if !t.set {
		return ""
	}
	return t.d.String()
}

func (t *clientTimeout) Type() string { return "duration" }

// parseTimeout reads a timeout: a duration above 0.
func parseTimeout(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("want a duration above 0 such as 30s, 2m or 1h, not %q", s)
	}
	return d, nil
}

// value is the timeout in force: the flag's, else $ACCORD_TIMEOUT's (a
// usage error when it is no duration), else reach.DefaultTimeout.
func (t *clientTimeout) value() (time.Duration, error) {
	if t.set {
		return t.d, nil
	}
	if s := os.Getenv("ACCORD_TIMEOUT"); s != "" {
		d, err := parseTimeout(s)
		if err != nil {
			return 0, usageError{err: fmt.Errorf("ACCORD_TIMEOUT: %v", err)}
		}
		return d, nil
	}
	return reach.DefaultTimeout, nil
}

// client is the command's HTTP client, made once; nil (reach.Do's default
// client) for a command without --timeout (the demos, on their own
// loopback server).
func (t *clientTimeout) client() (*http.Client, error) {
	if t == nil {
		return nil, nil
	}
	if t.hc == nil {
		d, err := t.value()
		if err != nil {
			return nil, err
		}
		t.hc = reach.NewClient(d)
	}
	return t.hc, nil
}

// witnessClient is a witness's client: each step bounded by timeout, as a
// client command's, and each request of a round bounded whole by it too
// (the feed's stream is not: witness.Follow lifts it and bounds its
// silence).
func witnessClient(timeout time.Duration) *http.Client {
	c := reach.NewClient(timeout)
	c.Timeout = timeout
	return c
}
