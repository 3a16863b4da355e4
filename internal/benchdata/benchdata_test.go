package benchdata

import (
	"bytes"
	"testing"

	"github.com/accord-peace/accord/monitor"
)

// The lines are observations of the contract, the same for every call.
func TestLinesDecodeAndRepeat(t *testing.T) {
	a, k, err := Reference()
	if err != nil {
		t.Fatal(err)
	}
	x, err := Lines(a, k, 1, 200)
	if err != nil {
		t.Fatal(err)
	}
	y, _ := Lines(a, k, 1, 200)
	if len(x) < 100 || len(x) != len(y) {
		t.Fatalf("%d and %d lines for an hour at 200 events an hour", len(x), len(y))
	}
	for i := range x {
		if !bytes.Equal(x[i], y[i]) {
			t.Fatalf("line %d differs between two calls", i)
		}
		if _, err := monitor.DecodeLine(x[i]); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
	}
}
