package agreement_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
)

// FuzzParse: whatever the bytes, Parse returns an agreement or an
// EINVALID error naming the file, within seconds; it never panics. The
// seeds are whole files (tens of KB): run it with -fuzzminimizetime 2s, or
// minimizing an interesting input takes minutes (119,000 inputs in 90 s
// found nothing, 2026-12-02).
func FuzzParse(f *testing.F) {
	for _, p := range []string{"../scenarios/ukraine-2025/agreement.yaml", "../scenarios/ukraine-2025/grain-corridor.yaml", "../scenarios/ukraine-2025/scenario.yaml"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	if ms, _ := filepath.Glob("testdata/*.yaml"); len(ms) > 0 {
		for _, m := range ms {
			if b, err := os.ReadFile(m); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte(""))
	f.Add([]byte("agreement: a\nparties: [ua, ru]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var a *agreement.Agreement
		var err error
		done := make(chan struct{})
		go func() { a, err = agreement.Parse("f.yaml", data); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Parse takes more than 5 s")
		}
		if err != nil {
			if accord.ErrorCode(err) != accord.EINVALID {
				t.Fatalf("error code %s: %v", accord.ErrorCode(err), err)
			}
			return
		}
		if a == nil {
			t.Fatal("no agreement and no error")
		}
	})
}
