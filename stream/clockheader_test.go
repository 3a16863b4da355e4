package stream

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// HeaderClock is read as LINE:UNIX-NANOSECONDS for lines of the message;
// anything else refuses the message, naming the header and the entry.
func TestClockHeader(t *testing.T) {
	line := func(id string) string {
		return `{"type":"Feature","geometry":{"type":"Point","coordinates":[36.2,48.1]},"properties":{"id":"` + id + `","source":{"id":"s","kind":"uav","owner":"osce"},"observed_at":"2025-06-01T00:00:00Z","reported_at":"2025-06-01T00:00:05Z","event":"firing","count":1,"attributed_to":"unknown","accuracy_m":50,"time_accuracy_s":10,"confidence":0.8}}` + "\n"
	}
	data := []byte(line("a") + line("b") + line("c"))
	at := time.Date(2025, 6, 1, 3, 0, 0, 5, time.UTC)
	for _, tc := range []struct {
		header string
		want   []time.Time // nil: no clocks
		err    string
	}{
		{"", nil, ""},
		{"1:" + itoa(at.UnixNano()), []time.Time{{}, at, {}}, ""},
		{"0:" + itoa(at.UnixNano()) + ",2:" + itoa(at.Add(time.Hour).UnixNano()), []time.Time{at, {}, at.Add(time.Hour)}, ""},
		{"3:" + itoa(at.UnixNano()), nil, `"3:`},
		{"1;5", nil, `"1;5" is not LINE:UNIX-NANOSECONDS`},
		{"1:x", nil, `"1:x"`},
		{"-1:5", nil, `"-1:5"`},
	} {
		h := nats.Header{}
		if tc.header != "" {
			h.Set(HeaderClock, tc.header)
		}
		obs, _, clocks, err := decodeObsParts("accord.obs.0", data, h)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), HeaderClock) {
				t.Errorf("%q: error %v, want one naming %s and %s", tc.header, err, HeaderClock, tc.err)
			}
			continue
		}
		if err != nil || len(obs) != 3 {
			t.Fatalf("%q: %d observations, %v", tc.header, len(obs), err)
		}
		if tc.want == nil {
			if clocks != nil {
				t.Errorf("%q: clocks %v, want none", tc.header, clocks)
			}
			continue
		}
		for i := range tc.want {
			if !clocks[i].Equal(tc.want[i]) {
				t.Errorf("%q: line %d's clock %v, want %v", tc.header, i, clocks[i], tc.want[i])
			}
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
