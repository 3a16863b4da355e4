package engine

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// sameJSON fails unless AppendJSON, after a prefix, gives what
// json.Marshal gives (or the same error, the prefix left alone).
func sameJSON(t *testing.T, v any, appendJSON func([]byte) ([]byte, error)) {
	t.Helper()
	prefix := []byte("x:")
	got, gotErr := appendJSON(prefix)
	want, wantErr := json.Marshal(v)
	if (gotErr != nil) != (wantErr != nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
		t.Fatalf("%+v:\nerror %v\nwant  %v", v, gotErr, wantErr)
	}
	if gotErr != nil {
		if !bytes.Equal(got, prefix) {
			t.Fatalf("%+v: an error, and %q appended", v, got[len(prefix):])
		}
		return
	}
	if !bytes.HasPrefix(got, prefix) || !bytes.Equal(got[len(prefix):], want) {
		t.Fatalf("%+v:\ngot  %s\nwant %s", v, got, want)
	}
}

var encodeStrings = []string{"", "", "violation", "tick", "ua", "inc-1:no-artillery", "<b>", "a&b", `q"`, `b\`, "\t", "\x00", "\x7f",
	"é", "\u2028", "\u2029", "\xff", "ok\xc3", "😀", "violation v1 (r, major) confirmed: notice to ru, response due by 2025-06-04T04:00:00Z"}

func randomTime(rng *rand.Rand) time.Time {
	switch rng.IntN(6) {
	case 0:
		return time.Time{}
	case 1:
		return time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	case 2:
		return time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)
	case 3:
		return time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)).In(time.FixedZone("", (rng.IntN(60)-30)*3600))
	}
	return time.Unix(1.7e9+rng.Int64N(1e8), rng.Int64N(2)*rng.Int64N(1e9)).UTC()
}

func TestEventJSONAgainstEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	s := func() string {
		if rng.IntN(3) > 0 {
			return encodeStrings[rng.IntN(6)]
		}
		return encodeStrings[rng.IntN(len(encodeStrings))]
	}
	fast := 0
	for range 100000 {
		ev := Event{Seq: rng.IntN(1e6) - 5, At: randomTime(rng), Type: s(), Agreement: s(), Party: s(), ID: s(), Rule: s(), Incident: s(), Severity: s(),
			Consultation: s(), Answer: s(), Evidence: s(), Outcome: s(), Provision: s()}
		switch rng.IntN(4) {
		case 0:
			ev.SignedBy = []string{}
		case 1:
			ev.SignedBy = []string{s(), s()}
		}
		switch rng.IntN(8) {
		case 0:
			ev.Counts = map[string]int{"ua": 3, "ru": 4}
		case 1:
			ev.Lists = map[string]string{"ua": "ab", "ru": s()}
		case 2:
			ev.Counts = map[string]int{}
		}
		sameJSON(t, &ev, ev.AppendJSON)
		if _, ok := appendEvent(nil, &ev); ok {
			fast++
		}
		d := Derived{Seq: ev.Seq, At: ev.At, What: s(), Consultation: s(), Agreement: s()}
		sameJSON(t, &d, d.AppendJSON)
	}
	if fast < 2000 {
		t.Errorf("only %d of 100,000 events took the fast path", fast)
	}
}

func FuzzEventJSON(f *testing.F) {
	f.Add(12, int64(1.7e18), 0, "violation", "ru", "inc-1:r", "r", "inc-1", "us", "<&>")
	f.Add(-1, int64(-7e18), 3600*30, "\xff", "\u2028", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, seq int, nanos int64, offset int, typ, party, id, rule, incident, signer, what string) {
		at := time.Unix(0, nanos).In(time.FixedZone("", offset%(100*3600)))
		ev := Event{Seq: seq, At: at, Type: typ, Party: party, ID: id, Rule: rule, Incident: incident, Consultation: id, Answer: what, Evidence: what}
		if signer != "" {
			ev.SignedBy = []string{signer, party}
		}
		sameJSON(t, &ev, ev.AppendJSON)
		d := Derived{Seq: seq, At: at, What: what, Agreement: party}
		sameJSON(t, &d, d.AppendJSON)
	})
}

// BenchmarkEventJSON compares AppendJSON with json.Marshal on a violation
// event and the notice derived from it.
func BenchmarkEventJSON(b *testing.B) {
	at := time.Date(2025, 6, 1, 4, 3, 12, 0, time.UTC)
	ev := Event{Seq: 1234, At: at, Type: ViolationEv, Party: "ru", ID: "inc-000123:no-heavy-weapons-in-buffer", Rule: "no-heavy-weapons-in-buffer", Incident: "inc-000123"}
	d := Derived{Seq: 1234, At: at, What: "violation inc-000123:no-heavy-weapons-in-buffer (no-heavy-weapons-in-buffer, major) confirmed: notice to ru, response due by 2025-06-04T04:03:12Z"}
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			json.Marshal(&ev)
			json.Marshal(&d)
		}
	})
	b.Run("AppendJSON", func(b *testing.B) {
		for b.Loop() {
			ev.AppendJSON(make([]byte, 0, 256))
			d.AppendJSON(make([]byte, 0, 256))
		}
	})
}
