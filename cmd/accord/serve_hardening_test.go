package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
			err = checkTokens(path, auth.Tokens, a)
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
