package fusion

import (
	"math/rand/v2"
	"testing"
)

// joinedLess orders as the joined strings do, on ids that share prefixes,
// hold bytes below and above '/', and are empty.
func TestJoinedLessIsConcatenation(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{'.', '/', '0', 'a', 'z', 0, 0xff}
	word := func() string {
		b := make([]byte, rng.IntN(4))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 200000 {
		a1, a2, b1, b2 := word(), word(), word(), word()
		if got, want := joinedLess(a1, a2, b1, b2), a1+"/"+a2 < b1+"/"+b2; got != want {
			t.Fatalf("%q/%q < %q/%q: %v, the strings say %v", a1, a2, b1, b2, got, want)
		}
	}
}
