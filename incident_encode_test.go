package accord

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// sameIncidentJSON fails unless AppendJSON, after a prefix, gives what
// json.Marshal gives (or the same error, the prefix left alone), for the
// incident and for its record.
func sameIncidentJSON(t *testing.T, in *Incident) {
	t.Helper()
	prefix := []byte("x:")
	got, gotErr := in.AppendJSON(prefix)
	want, wantErr := json.Marshal(in)
	same(t, in, prefix, got, gotErr, want, wantErr)
	r := IncidentRecord{Incident: *in, ObservationCount: len(in.Observations), ObservationsSHA256: MembersDigest(in.Observations)}
	if len(in.Observations) > 0 && in.Observations[0].ID == "record-without-list" {
		r.Observations = nil
	}
	if in.Side == "odd digest" {
		r.ObservationsSHA256 = in.Event
	}
	got, gotErr = r.AppendJSON(prefix)
	want, wantErr = json.Marshal(&r)
	same(t, &r, prefix, got, gotErr, want, wantErr)
}

func same(t *testing.T, v any, prefix, got []byte, gotErr error, want []byte, wantErr error) {
	t.Helper()
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

var (
	incidentStrings = []string{"", "a", "inc-00012", "ua", "artillery", "buffer-north", "<b>", "a&b", `q"uote`, `back\slash`,
		"tab\there", "nl\n", "\x00", "\x7f", "é", "日本", "\u2028", "\u2029", "\xff", "ok\xc3", "😀", "line\r"}
	incidentFloats = []float64{0, 1, -1, 0.5, 123.456, 30.123456789, 1e-6, 1e-7, 9.99e-7, 1e20, 1e21, 1.5e21, 5e-324,
		math.MaxFloat64, math.Copysign(0, -1), -2.5e-8, math.NaN(), math.Inf(1), math.Inf(-1)}
)

// randomIncident draws an incident over the values that matter to the
// encoding: strings to escape or not, numbers of every form, nil and empty
// lists, times in and out of RFC 3339's range and zones.
func randomIncident(rng *rand.Rand) *Incident {
	s := func() string {
		if rng.IntN(3) > 0 {
			return incidentStrings[rng.IntN(6)] // mostly plain
		}
		return incidentStrings[rng.IntN(len(incidentStrings))]
	}
	f := func() float64 {
		if rng.IntN(2) == 0 {
			return (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(50)-25))
		}
		return incidentFloats[rng.IntN(len(incidentFloats))]
	}
	tm := func() time.Time {
		switch rng.IntN(8) {
		case 0:
			return time.Time{}
		case 1:
			return time.Date(10000+rng.IntN(3), 1, 1, 0, 0, 0, 0, time.UTC)
		case 2:
			return time.Date(-1-rng.IntN(3), 1, 1, 0, 0, 0, 0, time.UTC)
		case 3:
			return time.Unix(rng.Int64N(4e9), rng.Int64N(1e9)).In(time.FixedZone("", (rng.IntN(60)-30)*3600+rng.IntN(4)*900))
		}
		return time.Unix(1.7e9+rng.Int64N(1e8), rng.Int64N(3)*rng.Int64N(1e9)).UTC()
	}
	in := &Incident{ID: s(), State: s(), Event: s(), Location: [2]float64{f(), f()}, FirstObserved: tm(), LastObserved: tm(),
		IndependentSources: rng.IntN(5) - 1, Confidence: f(), Side: s(), DistanceToLineM: f()}
	if rng.IntN(2) == 0 {
		in.Equipment = s()
	}
	if rng.IntN(20) == 0 {
		in.Side = "odd digest"
	}
	switch rng.IntN(4) {
	case 0:
	case 1:
		in.Observations = []ObservationKey{}
	default:
		for range rng.IntN(4) + 1 {
			in.Observations = append(in.Observations, ObservationKey{Source: s(), ID: s()})
		}
		if rng.IntN(2) == 0 {
			in.Observations[0].ID = "record-without-list"
		}
	}
	switch rng.IntN(3) {
	case 0:
	case 1:
		in.Zones = []string{}
	default:
		for range rng.IntN(3) + 1 {
			in.Zones = append(in.Zones, s())
		}
	}
	switch rng.IntN(3) {
	case 0:
	case 1:
		in.Violations = []Violation{}
	default:
		for range rng.IntN(3) + 1 {
			v := Violation{Rule: s(), Provision: s(), AttributionConfidence: f()}
			if rng.IntN(2) == 0 {
				p := s()
				v.Party = &p
			}
			in.Violations = append(in.Violations, v)
		}
	}
	if rng.IntN(2) == 0 {
		c := tm()
		in.ClosedAt = &c
	}
	if rng.IntN(2) == 0 {
		in.ClosedReason = s()
	}
	in.Ambiguous = rng.IntN(2) == 0
	if rng.IntN(2) == 0 {
		in.MergedInto = s()
	}
	return in
}

func TestIncidentJSONAgainstEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		sameIncidentJSON(t, randomIncident(rng))
	}
	// The common case takes the fast path (no fallback to hide a bug).
	party := "ru"
	in := &Incident{ID: "inc-1", State: IncidentConfirmed, Event: "artillery", Location: [2]float64{36.1, 47.2},
		FirstObserved: time.Date(2025, 6, 1, 4, 0, 0, 5, time.UTC), LastObserved: time.Date(2025, 6, 1, 4, 3, 0, 0, time.UTC),
		Observations: []ObservationKey{{"s1", "o1"}}, IndependentSources: 2, Confidence: 0.93, Side: "ua", DistanceToLineM: 812.5,
		Zones: []string{"buffer"}, Violations: []Violation{{Rule: "no-artillery", Provision: "ceasefire", Party: &party, AttributionConfidence: 0.8}}}
	if b, ok := appendIncident(nil, in, '}'); !ok {
		t.Fatalf("the fast path refused %s", b)
	}
	sameIncidentJSON(t, in)
}

func FuzzIncidentJSON(f *testing.F) {
	f.Add("inc-1", "confirmed", "artillery", "ua", "zone", "rule", 36.1, 47.2, 0.93, int64(1.7e18), 0, 2, true)
	f.Add("<", "\u2028", "\xff", "", "", "", math.Inf(1), -0.0, 1e21, int64(-7e17), 3600*25, -1, false)
	f.Fuzz(func(t *testing.T, id, state, event, side, zone, rule string, x, y, conf float64, nanos int64, offset, sources int, closed bool) {
		at := time.Unix(0, nanos).In(time.FixedZone("", offset%(100*3600)))
		in := &Incident{ID: id, State: state, Event: event, Location: [2]float64{x, y}, FirstObserved: at, LastObserved: at.Add(time.Duration(sources) * time.Hour),
			IndependentSources: sources, Confidence: conf, Side: side, DistanceToLineM: x * y, Zones: []string{zone},
			Observations: []ObservationKey{{id, event}}, Violations: []Violation{{Rule: rule, Provision: zone, Party: &side, AttributionConfidence: conf}},
			ClosedReason: rule, MergedInto: zone, Equipment: event, Ambiguous: closed}
		if closed {
			in.ClosedAt = &at
		}
		sameIncidentJSON(t, in)
		in.Zones, in.Violations, in.Observations = nil, nil, nil
		sameIncidentJSON(t, in)
	})
}

// BenchmarkIncidentRecordJSON compares AppendJSON with json.Marshal on a
// typical record (a confirmed incident with a violation).
func BenchmarkIncidentRecordJSON(b *testing.B) {
	party := "ru"
	in := &Incident{ID: "inc-000123", State: IncidentConfirmed, Event: "artillery", Equipment: "mlrs", Location: [2]float64{36.123456, 47.654321},
		FirstObserved: time.Date(2025, 6, 1, 4, 0, 0, 5, time.UTC), LastObserved: time.Date(2025, 6, 1, 4, 3, 12, 0, time.UTC),
		Observations: []ObservationKey{{"s1", "o1"}, {"s2", "o2"}, {"s3", "o3"}}, IndependentSources: 3, Confidence: 0.9312345,
		Side: "ua", DistanceToLineM: 812.53, Zones: []string{"buffer-north"},
		Violations: []Violation{{Rule: "no-heavy-weapons-in-buffer", Provision: "ceasefire", Party: &party, AttributionConfidence: 0.8}}}
	r := RecordOf(in)
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(&r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("AppendJSON", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.AppendJSON(make([]byte, 0, 768)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// membersDigestByKey is MembersDigest as first written, one hash write a
// key: the reference the one-write version must match.
func membersDigestByKey(keys []ObservationKey) string {
	h := sha256.New()
	var buf []byte
	for _, k := range keys {
		buf = binary.AppendUvarint(buf[:0], uint64(len(k.Source)))
		buf = append(buf, k.Source...)
		buf = binary.AppendUvarint(buf, uint64(len(k.ID)))
		buf = append(buf, k.ID...)
		h.Write(buf)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestMembersDigestAgainstByKey(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 11))
	long := strings.Repeat("x", 300)
	for n := range 200 {
		keys := []ObservationKey{}
		for range n {
			keys = append(keys, ObservationKey{Source: incidentStrings[rng.IntN(len(incidentStrings))], ID: long[:rng.IntN(len(long))]})
		}
		if got, want := MembersDigest(keys), membersDigestByKey(keys); got != want {
			t.Fatalf("%d keys: %s, want %s", n, got, want)
		}
	}
	if got, want := MembersDigest(nil), membersDigestByKey(nil); got != want {
		t.Fatalf("no keys: %s, want %s", got, want)
	}
}
