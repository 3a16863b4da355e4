package cputime

import "testing"

func TestUsedGrowsWithWork(t *testing.T) {
	before := Used()
	x := 0
	for i := range 50_000_000 {
		x ^= i * i
	}
	if after := Used(); after <= before {
		t.Fatalf("CPU time did not grow over a busy loop (%d): %v then %v", x, before, after)
	}
}
