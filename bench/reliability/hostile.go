package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// hostileCase is one hostile request.
type hostileCase struct {
	name, method, path string
	header             map[string]string
	body               func() []byte
}

const line = `{"type":"Feature","geometry":{"type":"Point","coordinates":[34.5863,47.5119]},"properties":{"id":"ID","source":{"id":"sat-un","kind":"satellite","owner":"un"},"observed_at":"OBSERVED","reported_at":"REPORTED","event":"strike","attributed_to":"unknown","accuracy_m":15,"confidence":0.9}}`

// observations is n observation lines at one place a second apart, with
// ids of idLen bytes (they fuse into one incident).
func observations(n, idLen int) []byte {
	var b bytes.Buffer
	pad := strings.Repeat("x", max(idLen-8, 0))
	for i := 0; i < n; i++ {
		at := time.Date(2025, 6, 1, 4, 10, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)
		l := strings.Replace(line, `"id":"ID"`, fmt.Sprintf(`"id":"%s%08d"`, pad, i), 1)
		l = strings.Replace(l, "OBSERVED", at.Format(time.RFC3339), 1)
		l = strings.Replace(l, "REPORTED", at.Add(time.Minute).Format(time.RFC3339), 1)
		b.WriteString(l + "\n")
	}
	return b.Bytes()
}

func repeat(s string, size int) func() []byte {
	return func() []byte { return bytes.Repeat([]byte(s), size/len(s)) }
}

func hostileCases() []hostileCase {
	ndjson := map[string]string{"Content-Type": "application/x-ndjson"}
	js := map[string]string{"Content-Type": "application/json"}
	submission := func(id string) []byte {
		return []byte(`{"author":"ru","id":"` + id + `","type":"response","body":{"consultation":"c","answer":"accept"},"sig":"AAAA"}`)
	}
	return []hostileCase{
		{"submission with a 17 MiB id", "POST", "/v1/submissions", js, func() []byte { return submission(strings.Repeat("a", 17<<20)) }},
		{"submission of an engine event", "POST", "/v1/submissions", js, func() []byte {
			return []byte(`{"author":"ru","id":"e","type":"event","body":{"type":"provision_done","provision":"snapback"},"sig":"AAAA"}`)
		}},
		{"submission nested 100,000 deep", "POST", "/v1/submissions", js, func() []byte {
			return []byte(`{"author":"ru","id":"n","type":"response","body":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `,"sig":"AAAA"}`)
		}},
		{"4 MiB of bad lines", "POST", "/v1/observations", ndjson, repeat("x\n", 4<<20)},
		{"32 MiB of bad lines", "POST", "/v1/observations", ndjson, repeat("x\n", 32<<20-2)},
		{"33 MiB body", "POST", "/v1/observations", ndjson, repeat("x\n", 33<<20)},
		{"one observation with a 16 MiB id", "POST", "/v1/observations", ndjson, func() []byte { return observations(1, 16<<20) }},
		{"2,000 observations, 8 KiB ids, one incident", "POST", "/v1/observations", ndjson, func() []byte { return observations(2000, 8<<10) }},
		{"100,000 observations in one batch", "POST", "/v1/observations", ndjson, func() []byte { return observations(100000, 16) }},
		{"observations as text/plain", "POST", "/v1/observations", map[string]string{"Content-Type": "text/plain"}, func() []byte { return observations(1, 16) }},
		{"a signed batch with a 900 KB Accord-Id", "POST", "/v1/observations", map[string]string{"Content-Type": "application/x-ndjson",
			"Accord-Author": "mission", "Accord-Id": strings.Repeat("i", 900<<10), "Accord-Signature": "AAAA"}, func() []byte { return observations(1, 16) }},
		{"a 10 MiB answer", "POST", "/v1/consultations/c/response", js, func() []byte {
			return []byte(`{"party":"ru","answer":"dispute","evidence":"` + strings.Repeat("e", 10<<20) + `"}`)
		}},
		{"a finding that is not JSON", "POST", "/v1/consultations/c/finding", js, func() []byte { return []byte("{{{") }},
		{"incidents, a billion per page", "GET", "/v1/incidents?limit=1000000000", nil, nil},
		{"incidents after a garbage cursor", "GET", "/v1/incidents?after=%00%ff%fe", nil, nil},
		{"incidents in an inside-out bbox", "GET", "/v1/incidents?bbox=200,100,-200,-100", nil, nil},
		{"entry 10^20", "GET", "/v1/entries/100000000000000000000", nil, nil},
		{"inclusion proof of entry -1", "GET", "/v1/proofs/inclusion?index=-1&size=1", nil, nil},
		{"consistency proof 0..2^62", "GET", "/v1/proofs/consistency?old=0&size=4611686018427387904", nil, nil},
		{"feed from Last-Event-ID -5", "GET", "/v1/feed", map[string]string{"Last-Event-ID": "-5"}, nil},
		{"feed from Last-Event-ID 2^63-1", "GET", "/v1/feed", map[string]string{"Last-Event-ID": "9223372036854775807"}, nil},
		{"frontier of 100 KB party names", "GET", "/v1/scenario/frontier.svg?x=" + strings.Repeat("p", 100<<10) + "&y=q", nil, nil},
		{"sealed content of a 100 KB seal", "GET", "/v1/sealed/" + strings.Repeat("f", 100<<10), nil, nil},
		{"a submission whose body poses as a seal", "POST", "/v1/submissions", js, func() []byte {
			return []byte(`{"author":"ru","id":"s","type":"response","body":{"sealed_sha256":"` + strings.Repeat("0", 64) + `","consultation":"c"},"sig":"AAAA"}`)
		}},
		{"Authorization with 100 KB of token", "GET", "/v1/incidents", map[string]string{"Authorization": "Bearer " + strings.Repeat("t", 100<<10)}, nil},
	}
}

// hostile sends each hostile request to a fresh server, then restarts it:
// no 5xx, no crash, no hang, and it starts again; it prints each
// request's status, reply size, time and the server's peak memory.
func (p *probe) hostile() error {
	fmt.Println("\n== hostile requests (each on a fresh server, restarted after it)")
	fmt.Printf("%-46s %6s %12s %9s %10s %s\n", "request", "status", "reply bytes", "time", "peak MiB", "restart")
	var worstMem int64
	var worstTime time.Duration
	for _, c := range hostileCases() {
		data := p.dataDir()
		s, _, err := start(p.bin, data)
		if err != nil {
			return err
		}
		// Warm: the peak before the request, after the server's start.
		base := s.memKiB("VmHWM")
		var body io.Reader
		if c.body != nil {
			body = bytes.NewReader(c.body())
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		req, _ := http.NewRequestWithContext(ctx, c.method, s.url+c.path, body)
		for k, v := range c.header {
			req.Header.Set(k, v)
		}
		t0 := time.Now()
		status, size := "", int64(0)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			if resp.Header.Get("Content-Type") == "text/event-stream" {
				status = fmt.Sprintf("%d SSE", resp.StatusCode)
			} else {
				size, _ = io.Copy(io.Discard, resp.Body)
				status = fmt.Sprint(resp.StatusCode)
			}
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				p.fail("%s: %s", c.name, resp.Status)
			}
		} else {
			status = "error"
			p.fail("%s: %v", c.name, err)
		}
		el := time.Since(t0)
		cancel()
		peak := (s.memKiB("VmHWM") - base) / 1024
		if !s.alive() {
			p.fail("%s: the server died", c.name)
		}
		s.stop()
		restart := "ok"
		if s2, _, err := start(p.bin, data); err != nil {
			restart = "REFUSED"
			p.fail("%s: the server does not restart: %v", c.name, err)
		} else {
			s2.stop()
		}
		fmt.Printf("%-46s %6s %12d %9s %10d %s\n", trim(c.name, 46), status, size, el.Round(time.Millisecond), peak, restart)
		worstMem, worstTime = max(worstMem, peak), max(worstTime, el)
	}
	fmt.Printf("worst request: +%d MiB of peak memory, %v\n", worstMem, worstTime.Round(time.Millisecond))
	return nil
}

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n-1] + "…"
	}
	return s
}
