package accord

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// decodeCorpus is the lines of testdata/decode: simulated observations
// (every kind of source, shots, vessels) and lines made to take the
// decoders where they may part (white space, nulls, repeated keys, other
// spellings, escapes, numbers, shapes, extras, vessels).
func decodeCorpus(t testing.TB) [][]byte {
	files, err := filepath.Glob(filepath.Join("testdata", "decode", "*.ndjson"))
	if err != nil || len(files) == 0 {
		t.Fatalf("testdata/decode: %v, %d files", err, len(files))
	}
	var lines [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range bytes.Split(b, []byte("\n")) {
			if len(l) > 0 {
				lines = append(lines, l)
			}
		}
	}
	return lines
}

// sameDecoding fails unless decodeLine (decodeFast first) and decodeJSON
// (encoding/json alone) give the same observation or the same error.
func sameDecoding(t *testing.T, line []byte) {
	t.Helper()
	got, gotErr := decodeLine(line)
	want, wantErr := decodeJSON(line)
	if !reflect.DeepEqual(gotErr, wantErr) {
		t.Fatalf("%q:\nerror %v\nwant  %v", line, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\ngot  %+v\nwant %+v", line, got, want)
	}
}

func TestDecodeFastAgainstJSON(t *testing.T) {
	fast := 0
	for _, line := range decodeCorpus(t) {
		sameDecoding(t, line)
		if _, ok := decodeFast(line); ok {
			fast++
		}
	}
	t.Logf("%d lines of testdata/decode read by decodeFast", fast)
}

// The lines every source sends go the fast way; those it does not take
// go to encoding/json.
func TestDecodeFastTakes(t *testing.T) {
	tests := []struct {
		name string
		line string
		fast bool
	}{
		{"the contract's example", good, true},
		{"a shot", with(`{"type":"Point","coordinates":[37.61,48.02]}`, `{"type":"LineString","coordinates":[[37.5,48.1],[37.61,48.02,120]]}`), true},
		{"a vessel", vesselLine, true},
		{"a refused value", with(`"count":3`, `"count":0`), true},
		{"white space", " { \"type\" :\t\"Feature\"" + good[len(`{"type":"Feature"`):] + " ", true},
		{"an extra property", with(`"confidence":0.9`, `"confidence":0.9,"unit":"53rd"`), false},
		{"a null", with(`"equipment":"artillery"`, `"equipment":null`), false},
		{"UTF-8", with(`"owner":"cn"`, `"owner":"cñ"`), true},
		{"an escape", with(`"owner":"cn"`, `"owner":"c\u006e"`), false},
		{"a repeated key", with(`"count":3`, `"count":3,"count":3`), false},
		{"another spelling", with(`"count":3`, `"Count":3`), false},
		{"not JSON", good[:40], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, ok := decodeFast([]byte(tt.line)); ok != tt.fast {
				t.Errorf("decodeFast took it: %v, want %v", ok, tt.fast)
			}
			sameDecoding(t, []byte(tt.line))
		})
	}
}

// FuzzDecodeFastAgainstJSON: whatever the line, decodeLine answers what
// encoding/json alone answers, observation or error, byte for byte.
func FuzzDecodeFastAgainstJSON(f *testing.F) {
	for _, line := range decodeCorpus(f) {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		sameDecoding(t, line)
	})
}

func BenchmarkDecodeLine(b *testing.B) {
	lines := decodeCorpus(b)[:200]
	for _, d := range []struct {
		name   string
		decode func([]byte) (*Observation, *LineError)
	}{{"fast", decodeLine}, {"encoding_json", decodeJSON}} {
		b.Run(d.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				d.decode(lines[i%len(lines)])
			}
		})
	}
}
