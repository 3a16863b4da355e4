package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord/agreement"
)

// The tokens file is checked against the agreement at start: a token gives
// its actor a role only if the agreement does (a party, a guarantor, a
// monitor of it; a mediator is no party), else serve refuses to start and
// says which actor, which role and what the agreement says.
func TestServeChecksTokensAgainstTheAgreement(t *testing.T) {
	tests := []struct {
		name, tokens string
		ok           bool
		msg          string
	}{
		{"roles the agreement gives", `{"tok-mission-0123456789": {"actor": "mission", "role": "monitor"},
			"tok-us-0123456789abcde": {"actor": "us", "role": "guarantor"},
			"tok-ru-0123456789abcde": {"actor": "ru", "role": "party"},
			"tok-un-0123456789abcde": {"actor": "un", "role": "mediator"}}`, true, ""},
		{"a party as guarantor", `{"tok-ru-0123456789abcde": {"actor": "ru", "role": "guarantor"}}`, false,
			`the token of "ru" gives it the guarantor role, but the agreement ukraine-2025-ceasefire does not: its guarantors are us, eu, cn-gs ("ru" is a party, implementer)`},
		{"a guarantor as party", `{"tok-us-0123456789abcde": {"actor": "us", "role": "party"}}`, false,
			`the token of "us" gives it the party role, but the agreement ukraine-2025-ceasefire does not: its parties are ua, ru ("us" is a guarantor, negotiator)`},
		{"a stranger as monitor", `{"tok-xx-0123456789abcde": {"actor": "osint", "role": "monitor"}}`, false,
			`the token of "osint" gives it the monitor role, but the agreement ukraine-2025-ceasefire does not: its monitors are mission ("osint" has no role in it)`},
		{"a party as mediator", `{"tok-ua-0123456789abcde": {"actor": "ua", "role": "mediator"}}`, false,
			`the token of "ua" gives it the mediator role, but "ua" is a party of the agreement ukraine-2025-ceasefire`},
	}
	a, _, err := loadMonitoring("")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "tokens.json")
			os.WriteFile(path, []byte(tt.tokens), 0o600)
			auth, err := readTokens(path)
			if err != nil {
				t.Fatal(err)
			}
			err = checkTokens(path, auth.Tokens, []*agreement.Agreement{a}, nil)
			if tt.ok != (err == nil) || err != nil && !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%v\nwant ok %v, %q", err, tt.ok, tt.msg)
			}
			if err != nil && strings.Contains(err.Error(), "0123456789") {
				t.Errorf("the error shows a token: %v", err)
			}
		})
	}
	// serve itself refuses to start.
	path := filepath.Join(t.TempDir(), "tokens.json")
	os.WriteFile(path, []byte(tests[1].tokens), 0o600)
	if _, errOut, code := runAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--tokens", path); code != 1 || !strings.Contains(errOut, tests[1].msg) {
		t.Errorf("serve with a party as guarantor: exit %d %s", code, errOut)
	}
}

// Listening beyond loopback without tokens is said loudly on stderr.
func TestServeWarnsWhenOpenBeyondLoopback(t *testing.T) {
	tests := []struct {
		addr string
		warn bool
	}{
		{"127.0.0.1:0", false},
		{"0.0.0.0:0", true},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithCancel(context.Background())
		out, errb := &syncBuffer{}, &syncBuffer{}
		done := make(chan int, 1)
		go func() { done <- run(ctx, []string{"serve", "--addr", tt.addr, "--data", t.TempDir()}, out, errb) }()
		deadline := time.Now().Add(60 * time.Second)
		for !strings.Contains(out.String(), "accord serving on") && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		<-done
		warned := strings.Contains(errb.String(), "WARNING: serving beyond loopback without --tokens") && strings.Contains(errb.String(), "level=WARN")
		if warned != tt.warn {
			t.Errorf("--addr %s: warned %v, want %v; stderr:\n%s", tt.addr, warned, tt.warn, errb.String())
		}
	}
}

// The connection limits of serve: headers, a body and an idle connection
// that take too long are cut; the feed's stream outlives them all.
func TestServeConnectionLimits(t *testing.T) {
	url, stop, _ := startAccord(t, "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(),
		"--header-timeout", "300ms", "--body-timeout", "300ms", "--idle-timeout", "300ms", "--feed-per-addr", "2")
	defer stop()
	host := strings.TrimPrefix(url, "http://")
	// closed reports whether the server closes the connection within 5 s
	// of what was sent, reading whatever answer it gives.
	closed := func(send string) (bool, string) {
		conn, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, send)
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		b, err := io.ReadAll(conn)
		var ne net.Error
		return !(errors.As(err, &ne) && ne.Timeout()), string(b)
	}
	tests := []struct {
		name, send, answer string
	}{
		{"headers never ending", "GET /v1/agreement HTTP/1.1\r\nHost: x\r\n", ""},
		{"a body never ending", "POST /v1/observations HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n{\"type\":", "408 Request Timeout"},
		{"idle after a request", "GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n", "200 OK"},
	}
	for _, tt := range tests {
		ok, answer := closed(tt.send)
		if !ok || !strings.Contains(answer, tt.answer) {
			t.Errorf("%s: closed %v, answer %.80q; want closed, %q", tt.name, ok, answer, tt.answer)
		}
	}
	// The feed: a third stream from this address is refused; one open
	// across the timeouts still gets the events.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var streams []*bufio.Reader
	for range 2 {
		req, _ := http.NewRequestWithContext(ctx, "GET", url+"/v1/feed", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("feed: %v %v", err, resp)
		}
		defer resp.Body.Close()
		streams = append(streams, bufio.NewReader(resp.Body))
	}
	resp, err := http.Get(url + "/v1/feed")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || !strings.Contains(string(b), "127.0.0.1 has 2 feed streams open") {
		t.Errorf("third stream: %d %s", resp.StatusCode, b)
	}
	time.Sleep(time.Second)
	obs, _ := simulateTo(t, "--seed", "5", "--duration", "10m")
	body, _ := os.ReadFile(obs)
	pr, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
	if err != nil || pr.StatusCode != 200 {
		t.Fatalf("post: %v %v", err, pr)
	}
	pr.Body.Close()
	got := make(chan string, 1)
	go func() {
		for {
			l, err := streams[0].ReadString('\n')
			if err != nil {
				got <- "error: " + err.Error()
				return
			}
			if strings.HasPrefix(l, "event: incident") {
				got <- l
				return
			}
		}
	}()
	select {
	case l := <-got:
		if !strings.HasPrefix(l, "event: incident") {
			t.Errorf("the stream after a second: %s", l)
		}
	case <-time.After(20 * time.Second):
		t.Error("no incident event on the stream")
	}
}
