package agreement_test

import (
	"strings"
	"testing"

	"github.com/accord-peace/accord/agreement"
)

// A phase whose entry waits for a provision to be overdue, the provision's
// deadline counting from that phase (or a later one), can never open: the
// deadline is set only once the phase is open. It is a cycle between phase
// conditions as much as since(phase:two) in two's own entry, which check
// refuses; this one, through the provision's after, it lets through.
func TestCycleThroughAProvisionDeadline(t *testing.T) {
	for _, after := range []string{"phase:two", "phase:three"} {
		src := strings.Replace(phasedBase, "after: signature, within: 14d", "after: "+after+", within: 14d", 1)
		src = strings.Replace(src, "provision(p1) == done", "provision(p1) == overdue", 1)
		src = strings.Replace(src, `  - {id: two, entry: "since(phase:one) >= 30d and provision(p1) == overdue"}`,
			`  - {id: two, entry: "since(phase:one) >= 30d and provision(p1) == overdue"}`+"\n  - {id: three, entry: \"true\"}", 1)
		_, err := agreement.Parse("a.yaml", []byte(src))
		if err == nil || !strings.Contains(err.Error(), "phases[1] (two).entry") || !strings.Contains(err.Error(), "never open") {
			t.Errorf("after %s: check says %v, want phases[1] (two).entry refused: it can never open", after, err)
		}
	}
}
