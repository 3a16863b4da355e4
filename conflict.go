package accord

import (
	"fmt"
	"slices"
	"strings"
)

// Conflict is an observation of a batch that a store refused: its key is
// stored already, or was given earlier in the batch, with other content.
type Conflict struct {
	Index int // its place in the batch, from 0
	Key   ObservationKey
}

// Conflicts lists every observation of a refused batch whose key the
// store holds (or the batch gave before) with other content, in the
// batch's order: a refusal names them all, not the first alone.
type Conflicts []Conflict

// maxConflictsSaid is how many conflicts the error's text names; the
// others are counted (the list has them all).
const maxConflictsSaid = 10

func (c Conflicts) Error() string {
	var b strings.Builder
	if len(c) == 1 {
		fmt.Fprintf(&b, "(source %q, id %q), observation %d of the batch, is already stored with different content", c[0].Key.Source, c[0].Key.ID, c[0].Index+1)
	} else {
		fmt.Fprintf(&b, "%d observations of the batch are already stored with different content:", len(c))
		for i, x := range c {
			if i == maxConflictsSaid {
				fmt.Fprintf(&b, " and %d more", len(c)-i)
				break
			}
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " (source %q, id %q) (observation %d)", x.Key.Source, x.Key.ID, x.Index+1)
		}
	}
	b.WriteString("; nothing of the batch was stored")
	return b.String()
}

// ConflictError is a store's refusal of a batch with conflicts: an *Error
// with code EINVALID wrapping them, in the batch's order.
func ConflictError(c Conflicts) error {
	c = slices.Clone(c)
	slices.SortFunc(c, func(a, b Conflict) int { return a.Index - b.Index })
	return &Error{Code: EINVALID, Err: c}
}
