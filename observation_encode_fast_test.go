package accord

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"
)

// sameEncoding fails unless MarshalJSON (appendWire first) and
// marshalReflect (encoding/json alone) give the same bytes or both an
// error.
func sameEncoding(t *testing.T, o *Observation) {
	t.Helper()
	got, gotErr := o.MarshalJSON()
	want, wantErr := o.marshalReflect()
	if (gotErr != nil) != (wantErr != nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
		t.Fatalf("%+v:\nerror %v\nwant  %v", o, gotErr, wantErr)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%+v:\ngot  %s\nwant %s", o, got, want)
	}
	// AppendJSON: the same bytes after what the buffer held, whatever
	// the fast encoder wrote past it before it gave up.
	prefix := []byte("kept\n")
	buf := append(make([]byte, 0, 4096), prefix...)
	app, appErr := o.AppendJSON(buf)
	if (appErr != nil) != (wantErr != nil) || !bytes.HasPrefix(app, prefix) || wantErr == nil && !bytes.Equal(app[len(prefix):], want) {
		t.Fatalf("%+v: AppendJSON after %q:\ngot  %q, %v\nwant %s", o, prefix, app, appErr, want)
	}
}

func TestAppendWireAgainstJSON(t *testing.T) {
	n := 0
	for _, line := range decodeCorpus(t) {
		if o, le := decodeJSON(line); le == nil {
			sameEncoding(t, o)
			n++
		}
	}
	t.Logf("%d observations of testdata/decode encoded alike", n)
	base, le := decodeJSON([]byte(good))
	if le != nil {
		t.Fatal(le)
	}
	vessel, le := decodeJSON([]byte(vesselLine))
	if le != nil {
		t.Fatal(le)
	}
	kyiv := time.FixedZone("", 2*3600)
	tests := []struct {
		name   string
		change func(o *Observation)
	}{
		{"as decoded", func(o *Observation) {}},
		{"numbers of every size", func(o *Observation) {
			o.Position = [2]float64{1e-7, -1e21}
			o.CaliberMM, o.AccuracyM, o.TimeAccuracyS, o.Confidence = 1e-9, 123456789012345678901234.0, 0.000001, 5e-324
		}},
		{"negative zero", func(o *Observation) {
			o.CaliberMM, o.Position = math.Copysign(0, -1), [2]float64{math.Copysign(0, -1), 0}
		}},
		{"not a number", func(o *Observation) { o.AccuracyM = math.NaN() }},
		{"infinite", func(o *Observation) { o.Position[1] = math.Inf(-1) }},
		{"infinite caliber", func(o *Observation) { o.CaliberMM = math.Inf(1) }},
		{"HTML", func(o *Observation) { o.ID = "<a&b>" }},
		{"a quote", func(o *Observation) { o.Source.Owner = `c"n` }},
		{"a control character", func(o *Observation) { o.AttributedTo = "a\tb" }},
		{"line separator", func(o *Observation) { o.Source.ID = "a\u2028b" }},
		{"not UTF-8", func(o *Observation) { o.Event = "\xff" }},
		{"UTF-8", func(o *Observation) { o.ID, o.Source.Owner = "спостереження-1", "🇺🇦" }},
		{"a zone and nanoseconds", func(o *Observation) {
			o.ObservedAt = time.Date(2025, 6, 1, 4, 10, 0, 120, kyiv)
			o.ReportedAt = time.Date(2025, 6, 1, 4, 10, 0, 0, time.Local)
		}},
		{"the zero time", func(o *Observation) { o.ObservedAt = time.Time{} }},
		{"an empty path", func(o *Observation) { o.Path = [][2]float64{} }},
		{"a path", func(o *Observation) { o.Path = [][2]float64{{1, 2}, {3.25, -4}} }},
		{"no evidence", func(o *Observation) { o.Evidence = []Evidence{} }},
		{"empty evidence", func(o *Observation) { o.Evidence = []Evidence{{}, {URI: "x"}} }},
		{"no equipment", func(o *Observation) { o.Equipment, o.CaliberMM = "", 0 }},
		{"a large count", func(o *Observation) { o.Count = -1 << 62 }},
		{"extras", func(o *Observation) { o.Extra = map[string]json.RawMessage{"unit": json.RawMessage(`"53rd"`)} }},
		{"an empty vessel", func(o *Observation) { o.Vessel = &Vessel{} }},
		{"a vessel with all", func(o *Observation) { o.Vessel = &Vessel{ID: "IMO1", Name: "<R>", Flag: "SL", CargoT: 1.5} }},
		{"a vessel's cargo not a number", func(o *Observation) { o.Vessel = &Vessel{ID: "IMO1", CargoT: math.NaN()} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, o := range []Observation{*base, *vessel} {
				tt.change(&o)
				sameEncoding(t, &o)
			}
		})
	}
}

// FuzzAppendWireAgainstJSON: whatever the values, MarshalJSON writes what
// encoding/json writes.
func FuzzAppendWireAgainstJSON(f *testing.F) {
	f.Add("sat-7-0042", "cn", "<&>", 37.61, 48.02, 152.0, 15.0, 0.9, int64(1748751000), int32(0), int32(3))
	f.Add("\u2028", "\xff", "a\"b", 1e-7, -1e21, 0.0, 5e-324, 1.0, int64(-62135596800), int32(999999999), int32(-14400))
	f.Fuzz(func(t *testing.T, id, owner, vesselName string, lon, lat, caliber, accuracy, conf float64, sec int64, nsec, offset int32) {
		at := time.Unix(sec%(1<<40), int64(nsec)%1e9).In(time.FixedZone("", int(offset%(18*3600))))
		o := &Observation{ID: id, Source: Source{ID: id, Kind: KindSatellite, Owner: owner}, Position: [2]float64{lon, lat},
			ObservedAt: at, ReportedAt: at.UTC(), Event: "impact", CaliberMM: caliber, Count: int(nsec), AttributedTo: owner,
			AccuracyM: accuracy, TimeAccuracyS: lat, Confidence: conf}
		sameEncoding(t, o)
		o.Path = [][2]float64{{lat, lon}, {caliber, accuracy}}
		o.Evidence = []Evidence{{URI: vesselName, SHA256: owner}}
		o.Vessel = &Vessel{ID: vesselName, Name: id, CargoT: conf}
		sameEncoding(t, o)
	})
}

func BenchmarkMarshalObservation(b *testing.B) {
	var obs []*Observation
	for _, line := range decodeCorpus(b) {
		if o, le := decodeJSON(line); le == nil {
			obs = append(obs, o)
		}
	}
	for _, m := range []struct {
		name    string
		marshal func(*Observation) ([]byte, error)
	}{{"fast", (*Observation).MarshalJSON}, {"encoding_json", (*Observation).marshalReflect}} {
		b.Run(m.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				m.marshal(obs[i%len(obs)])
			}
		})
	}
}
