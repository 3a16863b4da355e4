package sector_test

import (
	"testing"
	"time"
)

func BenchmarkOf(b *testing.B) {
	p := plan(b, 4)
	obs := simulate(b, 1, 6*time.Hour, 60, false)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		o := obs[i%len(obs)]
		p.Of(o.Position[0], o.Position[1])
	}
}

func BenchmarkRoute(b *testing.B) {
	p := plan(b, 4)
	obs := simulate(b, 1, 6*time.Hour, 60, false)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Route(obs[i%len(obs)])
	}
}
