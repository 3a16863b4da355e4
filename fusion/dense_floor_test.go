package fusion_test

import (
	"fmt"
	"testing"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/sim"
)

// The figures of bench/README.md ("Fusion where the front is busy: the
// likelihood"), held: on the fixed seeds the measurement is deterministic,
// and each figure must stay at least what was measured less a margin (0.01
// on the dense mode, 0.005 on the sparse one), over all pairs and over the
// pairs of two precise sources. On the sparse mode fusion must also stay
// within 0.005 of the rule before the likelihood (WorstFit), measured here.
func TestDenseFiguresHold(t *testing.T) {
	for _, c := range []struct {
		mode               string
		cfg                func(uint64) sim.Config
		seed               uint64
		p, r               float64 // all pairs
		preciseP, preciseR float64
		margin             float64
	}{
		{"sparse", sparseRun, 1, 0.994, 0.982, 1.000, 0.998, 0.005},
		{"sparse", sparseRun, 2, 0.996, 0.975, 1.000, 0.997, 0.005},
		{"sparse", sparseRun, 3, 0.997, 0.981, 1.000, 0.998, 0.005},
		{"dense", denseRun, 1, 0.897, 0.667, 0.994, 0.995, 0.01},
		{"dense", denseRun, 2, 0.868, 0.663, 0.986, 0.993, 0.01},
		{"dense", denseRun, 3, 0.870, 0.647, 0.990, 0.989, 0.01},
	} {
		t.Run(fmt.Sprintf("%s/seed=%d", c.mode, c.seed), func(t *testing.T) {
			r := simulate(t, c.cfg(c.seed))
			got := fuse(r)
			all := pairwise(r.keys, r.truth, got)
			var fine []fusion.Ref
			for i, k := range r.keys {
				if precise(r.reports[i]) {
					fine = append(fine, k)
				}
			}
			pr := pairwise(fine, r.truth, got)
			t.Logf("precision %.4f recall %.4f; precise sources: %.4f %.4f", all.Precision, all.Recall, pr.Precision, pr.Recall)
			for _, f := range []struct {
				name      string
				got, want float64
			}{
				{"precision", all.Precision, c.p}, {"recall", all.Recall, c.r},
				{"precision between precise sources", pr.Precision, c.preciseP},
				{"recall between precise sources", pr.Recall, c.preciseR},
			} {
				if f.got < f.want-c.margin {
					t.Errorf("%s %.4f, measured %.3f (margin %.3f)", f.name, f.got, f.want, c.margin)
				}
			}
			if c.mode == "sparse" {
				old := pairwise(r.keys, r.truth, fuseWith(r, fusion.Config{Assign: fusion.WorstFit}))
				if all.Precision < old.Precision-0.005 || all.Recall < old.Recall-0.005 {
					t.Errorf("sparse: %.4f / %.4f, the old rule %.4f / %.4f", all.Precision, all.Recall, old.Precision, old.Recall)
				}
			}
		})
	}
}
