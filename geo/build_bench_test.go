package geo

import "testing"

func BenchmarkBuild(b *testing.B) {
	g := testGeometry(b, 2000)
	for b.Loop() {
		if _, err := NewKernel(g, testBands, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
