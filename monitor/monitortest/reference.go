package monitortest

import (
	"sync"
	"testing"

	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/scenarios"
)

var reference struct {
	once sync.Once
	a    *agreement.Agreement
	k    *geo.Kernel
	err  error
}

// Reference returns the embedded reference agreement and the kernel of its
// geometry, built once per test binary (it takes about a second).
func Reference(tb testing.TB) (*agreement.Agreement, *geo.Kernel) {
	tb.Helper()
	reference.once.Do(func() {
		reference.a, reference.err = agreement.LoadFS(scenarios.FS, scenarios.ReferenceAgreement)
		if reference.err == nil {
			reference.k, reference.err = monitor.NewKernel(reference.a.Monitoring)
		}
	})
	if reference.err != nil {
		tb.Fatal(reference.err)
	}
	return reference.a, reference.k
}
