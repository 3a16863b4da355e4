package accord

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

const good = `{"type":"Feature","geometry":{"type":"Point","coordinates":[37.61,48.02]},"properties":{"id":"sat-7-0042","source":{"id":"sat-7","kind":"satellite","owner":"cn"},"observed_at":"2025-06-01T04:10:00Z","reported_at":"2025-06-01T04:25:13Z","event":"heavy_weapon","equipment":"artillery","caliber_mm":152,"count":3,"attributed_to":"unknown","accuracy_m":15,"time_accuracy_s":1,"confidence":0.9,"evidence":[{"uri":"s3://mission/imagery/0042.tif","sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}]}}`

// with replaces one JSON fragment of the good line.
func with(old, new string) string {
	if !strings.Contains(good, old) {
		panic(old)
	}
	return strings.Replace(good, old, new, 1)
}

func TestDecodeGood(t *testing.T) {
	shot := with(`{"type":"Point","coordinates":[37.61,48.02]}`, `{"type":"LineString","coordinates":[[37.5,48.1],[37.61,48.02,120]]}`)
	extra := with(`"confidence":0.9`, `"confidence":0.9,"unit":"53rd"`)
	minimal := `{"type":"Feature","geometry":{"type":"Point","coordinates":[37,48]},"properties":{"id":"a","source":{"id":"s","kind":"party_report","owner":"ua"},"observed_at":"2025-06-01T04:10:00+03:00","reported_at":"2025-06-01T01:10:00Z","event":"impact","attributed_to":"ru","accuracy_m":800,"confidence":0.6}}`
	obs, err := DecodeObservations(strings.NewReader(good+"\r\n\n"+shot2(shot)+"\n"+extra2(extra)+"\n"+minimal), "in.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	if len(obs) != 4 {
		t.Fatalf("%d observations, want 4", len(obs))
	}
	if o := obs[0]; o.Count != 3 || o.CaliberMM != 152 || o.Equipment != "artillery" || o.Position != [2]float64{37.61, 48.02} || o.Path != nil {
		t.Errorf("point: %+v", o)
	}
	if o := obs[1]; len(o.Path) != 2 || o.Position != [2]float64{37.61, 48.02} {
		t.Errorf("shot: %+v", o)
	}
	if o := obs[2]; string(o.Extra["unit"]) != `"53rd"` {
		t.Errorf("extra property dropped: %+v", o.Extra)
	}
	if o := obs[3]; o.Count != 1 || o.TimeAccuracyS != 60 || !o.ReportedAt.Equal(o.ObservedAt) {
		t.Errorf("defaults: %+v", o)
	}
}

func shot2(s string) string  { return strings.Replace(s, `"id":"sat-7-0042"`, `"id":"sat-7-0043"`, 1) }
func extra2(s string) string { return strings.Replace(s, `"id":"sat-7-0042"`, `"id":"sat-7-0044"`, 1) }

func TestDecodeBad(t *testing.T) {
	tests := []struct{ name, line, want string }{
		{"not json", `{"type":`, "in:1: not JSON"},
		{"an array", `[1,2]`, "in:1: want an object (a GeoJSON Feature), got array"}, // not the Go type's name
		{"geometry an array", with(`"geometry":{"type":"Point","coordinates":[37.61,48.02]}`, `"geometry":[1]`), "in:1: geometry: want an object, got array"},
		{"not a feature", with(`"type":"Feature"`, `"type":"Point"`), `in:1: type: want "Feature", got "Point"`},
		{"no geometry", with(`"geometry":{"type":"Point","coordinates":[37.61,48.02]},`, ``), "in:1: geometry: missing"},
		{"polygon", with(`"type":"Point"`, `"type":"Polygon"`), `in:1: geometry.type: want "Point" or "LineString", got "Polygon"`},
		{"longitude", with(`[37.61,48.02]`, `[181,48.02]`), "in:1: geometry.coordinates: longitude 181 is outside -180..180"},
		{"latitude", with(`[37.61,48.02]`, `[37.61,-91]`), "in:1: geometry.coordinates: latitude -91 is outside -90..90"},
		{"one number", with(`[37.61,48.02]`, `[37.61]`), "in:1: geometry.coordinates: a position has 2 or 3 numbers, got 1"},
		{"short line", with(`{"type":"Point","coordinates":[37.61,48.02]}`, `{"type":"LineString","coordinates":[[37.61,48.02]]}`), "a LineString needs at least two positions, got 1"},
		{"no id", with(`"id":"sat-7-0042",`, ``), "in:1: properties.id: missing"},
		{"source kind", with(`"kind":"satellite"`, `"kind":"spy"`), `in:1: properties.source.kind: "spy" is not one of satellite`},
		{"no owner", with(`"owner":"cn"`, `"owner":""`), "in:1: properties.source.owner: missing"},
		{"bad time", with(`"observed_at":"2025-06-01T04:10:00Z"`, `"observed_at":"June 1"`), `in:1: properties.observed_at: want an RFC 3339 instant, got "June 1"`},
		{"reported before observed", with(`"reported_at":"2025-06-01T04:25:13Z"`, `"reported_at":"2025-06-01T04:00:00Z"`), "in:1: properties.reported_at: 2025-06-01T04:00:00Z is before observed_at"},
		{"unknown event", with(`"event":"heavy_weapon"`, `"event":"shelling"`), `in:1: properties.event: "shelling" is not one of firing`},
		{"unknown equipment", with(`"equipment":"artillery"`, `"equipment":"howitzer"`), `in:1: properties.equipment: "howitzer" is not one of tank`},
		{"negative caliber", with(`"caliber_mm":152`, `"caliber_mm":-1`), "in:1: properties.caliber_mm: must be ≥ 0, got -1"},
		{"zero count", with(`"count":3`, `"count":0`), "in:1: properties.count: want a whole number ≥ 1, got 0"},
		{"fractional count", with(`"count":3`, `"count":2.5`), "in:1: properties.count: want a whole number ≥ 1, got 2.5"},
		{"no attribution", with(`"attributed_to":"unknown",`, ``), "in:1: properties.attributed_to: missing"},
		{"zero accuracy", with(`"accuracy_m":15`, `"accuracy_m":0`), "in:1: properties.accuracy_m: want a radius in metres > 0"},
		// Outside them fusion's weights overflowed: a panic, or an
		// incident at (0, 0), until the seventeenth session.
		{"accuracy too fine", with(`"accuracy_m":15`, `"accuracy_m":1e-160`), "in:1: properties.accuracy_m: want a radius from 1e-06 m"},
		{"accuracy too coarse", with(`"accuracy_m":15`, `"accuracy_m":1e160`), "in:1: properties.accuracy_m: want a radius from 1e-06 m"},
		{"time accuracy too large", with(`"time_accuracy_s":1`, `"time_accuracy_s":1e300`), "in:1: properties.time_accuracy_s: want at most 1e+09 s"},
		{"negative time accuracy", with(`"time_accuracy_s":1`, `"time_accuracy_s":-5`), "in:1: properties.time_accuracy_s: must be ≥ 0, got -5"},
		{"confidence above 1", with(`"confidence":0.9`, `"confidence":1.5`), "in:1: properties.confidence: want 0 < confidence ≤ 1"},
		{"confidence as text", with(`"confidence":0.9`, `"confidence":"high"`), "in:1: properties.confidence: want float64, got string"},
		// A key given twice: encoding/json keeps the last, another reader
		// the first; until the sixteenth session the last won, silently.
		{"key twice", with(`"confidence":0.9`, `"confidence":0.9,"confidence":0.1`), "in:1: properties.confidence: the key is given twice in its object"},
		{"key twice but for case", with(`"confidence":0.9`, `"confidence":0.9,"Confidence":0.1`), "in:1: properties.Confidence: the key is given twice"},
		{"event twice", with(`"event":"heavy_weapon"`, `"event":"bogus","event":"heavy_weapon"`), "in:1: properties.event: the key is given twice"},
		{"source key twice", with(`"owner":"cn"`, `"owner":"cn","owner":"ua"`), "in:1: properties.source.owner: the key is given twice"},
		{"geometry twice", with(`"type":"Feature",`, `"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},`), "in:1: geometry: the key is given twice"},
		{"evidence key twice", with(`"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"`, `"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","uri":"x"`), "in:1: properties.evidence[0].uri: the key is given twice"},
		// Bytes that are not UTF-8, or half a surrogate pair: encoding/json
		// stored U+FFFD in their place, silently, until the seventeenth
		// session (and two ids could become one).
		{"id not UTF-8", with(`"id":"sat-7-0042"`, "\"id\":\"sat-7-0042\xfe\""), "in:1: properties.id: not valid text"},
		{"attribution not UTF-8", with(`"attributed_to":"unknown"`, "\"attributed_to\":\"unk\xff\""), "in:1: properties.attributed_to: not valid text"},
		{"lone surrogate", with(`"id":"sat-7-0042"`, `"id":"sat-7-0042\ud800"`), "in:1: properties.id: not valid text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := DecodeObservations(strings.NewReader(good2()+"\n"+tt.line+"\n"), "in")
			if obs != nil {
				t.Error("observations returned from a refused batch")
			}
			want := strings.Replace(tt.want, "in:1:", "in:2:", 1)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("error %v\nwant %q", err, want)
			}
			var le LineErrors
			if ErrorCode(err) != EINVALID || !errors.As(err, &le) || len(le) != 1 || le[0].Line != 2 {
				t.Errorf("want one EINVALID LineError on line 2, got %#v", err)
			}
		})
	}
}

// good2 is the good observation under another id.
func good2() string { return strings.Replace(good, `"id":"sat-7-0042"`, `"id":"sat-7-0001"`, 1) }

func TestDecodeDuplicates(t *testing.T) {
	obs, err := DecodeObservations(strings.NewReader(good+"\n"+good+"\n"), "in")
	if err != nil || len(obs) != 1 {
		t.Fatalf("exact resend: %d observations, %v", len(obs), err)
	}
	_, err = DecodeObservations(strings.NewReader(good+"\n"+with(`"confidence":0.9`, `"confidence":0.8`)+"\n"), "in")
	if err == nil || !strings.Contains(err.Error(), `in:2: properties.id: (source "sat-7", id "sat-7-0042") was sent on line 1 with different content`) {
		t.Errorf("conflicting resend: %v", err)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	in := good + "\n" + shot2(with(`{"type":"Point","coordinates":[37.61,48.02]}`, `{"type":"LineString","coordinates":[[37.5,48.1],[37.61,48.02]]}`)) + "\n"
	obs, err := DecodeObservations(strings.NewReader(in), "in")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := EncodeObservations(&buf, obs); err != nil {
		t.Fatal(err)
	}
	again, err := DecodeObservations(&buf, "out")
	if err != nil {
		t.Fatal(err)
	}
	for i := range obs {
		if obs[i].Digest() != again[i].Digest() {
			t.Errorf("observation %d changed in a round trip", i)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte(with(`"count":3`, `"count":0`)))
	f.Add([]byte(vesselLine))
	f.Add([]byte(vesselWith(`"id":"IMO9000001"`, `"id":""`)))
	f.Add([]byte(`{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]},"properties":{}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		obs, err := DecodeObservations(bytes.NewReader(data), "fuzz")
		// The batch held in memory decodes to the same observations, or
		// the same error.
		inMemory, err2 := DecodeObservationBytes(data, "fuzz")
		if fmt.Sprint(err) != fmt.Sprint(err2) || len(obs) != len(inMemory) || (obs == nil) != (inMemory == nil) {
			t.Fatalf("from a reader: %d observations, %v; in memory: %d, %v", len(obs), err, len(inMemory), err2)
		}
		for i := range obs {
			if obs[i].Digest() != inMemory[i].Digest() {
				t.Fatalf("observation %d differs in memory", i)
			}
		}
		if err != nil {
			if obs != nil {
				t.Fatal("observations with an error")
			}
			return
		}
		var buf bytes.Buffer
		if err := EncodeObservations(&buf, obs); err != nil {
			t.Fatal(err)
		}
		again, err := DecodeObservations(&buf, "again")
		if err != nil {
			t.Fatalf("re-encoded batch refused: %v", err)
		}
		if len(again) != len(obs) {
			t.Fatalf("%d observations after a round trip, want %d", len(again), len(obs))
		}
		for i := range obs {
			if obs[i].Digest() != again[i].Digest() {
				t.Fatalf("observation %d changed in a round trip", i)
			}
		}
	})
}

// A refused batch lists its first MaxLineErrors bad lines and counts them
// all, whatever they are; what the decoder keeps is bounded however many
// lines are bad.
func TestDecodeBoundsBadLines(t *testing.T) {
	conflict := with(`"confidence":0.9`, `"confidence":0.8`)
	tests := []struct {
		name       string
		body       string
		total      int
		listed     int
		firstLine  int
		lastListed int
	}{
		{"three bad lines", "x\n" + good + "\n{}\n[]\n", 3, 3, 1, 4},
		{"exactly the cap", strings.Repeat("x\n", MaxLineErrors), MaxLineErrors, MaxLineErrors, 1, MaxLineErrors},
		{"past the cap, not JSON", strings.Repeat("x\n", 1000), 1000, MaxLineErrors, 1, MaxLineErrors},
		{"past the cap, JSON but no feature", good + "\n" + strings.Repeat("{\"type\":\"Feature\"}\n", 500), 500, MaxLineErrors, 2, MaxLineErrors + 1},
		{"past the cap, broken JSON and conflicts", strings.Repeat("{\"a\":\n", 150) + good + "\n" + strings.Repeat(conflict+"\n", 50), 200, MaxLineErrors, 1, MaxLineErrors},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs, err := DecodeObservations(strings.NewReader(tt.body), "in")
			var bad *BadLines
			if obs != nil || !errors.As(err, &bad) || ErrorCode(err) != EINVALID {
				t.Fatalf("%d observations, error %T %v; want none and *BadLines", len(obs), err, err)
			}
			if bad.Total != tt.total || len(bad.Lines) != tt.listed || bad.Truncated() != (tt.total > tt.listed) {
				t.Errorf("%d bad, %d listed, truncated %v; want %d, %d", bad.Total, len(bad.Lines), bad.Truncated(), tt.total, tt.listed)
			}
			if bad.Lines[0].Line != tt.firstLine || bad.Lines[len(bad.Lines)-1].Line != tt.lastListed {
				t.Errorf("listed lines %d..%d, want %d..%d", bad.Lines[0].Line, bad.Lines[len(bad.Lines)-1].Line, tt.firstLine, tt.lastListed)
			}
			msg := err.Error()
			wantHead := fmt.Sprintf("in: %d bad line(s), nothing accepted", tt.total)
			if !strings.HasPrefix(msg, wantHead) {
				t.Errorf("message %.120q, want it to start %q", msg, wantHead)
			}
			if tail := fmt.Sprintf("and %d more bad line(s), not listed", tt.total-tt.listed); bad.Truncated() != strings.Contains(msg, tail) || bad.Truncated() != strings.Contains(msg, "(the first 100 listed)") {
				t.Errorf("message %q: truncated %v, want it said so", msg, bad.Truncated())
			}
			if n := strings.Count(msg, "\n"); n > MaxLineErrors+1 {
				t.Errorf("the message has %d lines", n)
			}
			var les LineErrors
			if !errors.As(err, &les) || len(les) != tt.listed {
				t.Errorf("unwraps to %d LineErrors, want %d", len(les), tt.listed)
			}
		})
	}
}

// 32 MiB of "x\n" (the server's largest body, 16 Mi bad lines): the decoder
// allocates next to nothing for them.
func TestDecodeBadLinesAllocation(t *testing.T) {
	body := bytes.Repeat([]byte("x\n"), 16<<20)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := DecodeObservations(bytes.NewReader(body), "in")
	runtime.ReadMemStats(&after)
	var bad *BadLines
	if !errors.As(err, &bad) || bad.Total != 16<<20 {
		t.Fatalf("%v", err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("32 MiB of bad lines: %d bytes allocated, a %d-byte message", alloc, len(err.Error()))
	if alloc > 4<<20 || len(err.Error()) > 16<<10 {
		t.Errorf("%d bytes allocated, a %d-byte message; want under 4 MiB and 16 KiB", alloc, len(err.Error()))
	}
}
