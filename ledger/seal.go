package ledger

import (
	"fmt"

	"github.com/accord-peace/accord"
)

// Open returns the entry with its content in place of its seal, after
// checking that the content is the one sealed.
func (e Entry) Open(s *accord.Sealed) (Entry, error) {
	seal, ok := accord.SealOf(e.Body)
	if !ok {
		return e, fmt.Errorf("entry %d is not sealed", e.Seq)
	}
	if seal != s.Seal {
		return e, fmt.Errorf("entry %d is sealed by %s, not %s", e.Seq, seal.SHA256, s.SHA256)
	}
	if err := s.Check(); err != nil {
		return e, err
	}
	e.Body = s.Content
	return e, nil
}
