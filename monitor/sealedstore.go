package monitor

import (
	"context"
	"sync"

	"github.com/accord-peace/accord"
)

var _ accord.SealedStore = (*MemSealedStore)(nil)

// MemSealedStore is an accord.SealedStore in memory, safe for concurrent
// use: for missions whose record lives in memory too (tests).
type MemSealedStore struct {
	mu sync.RWMutex
	m  map[string]accord.Sealed
}

// NewMemSealedStore returns an empty store.
func NewMemSealedStore() *MemSealedStore { return &MemSealedStore{m: map[string]accord.Sealed{}} }

// PutSealed implements accord.SealedStore.
func (s *MemSealedStore) PutSealed(ctx context.Context, sealed []accord.Sealed) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range sealed {
		if _, ok := s.m[x.SHA256]; !ok {
			s.m[x.SHA256] = x
		}
	}
	return nil
}

// Sealed implements accord.SealedStore.
func (s *MemSealedStore) Sealed(ctx context.Context, sha256 string) (*accord.Sealed, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	x, ok := s.m[sha256]
	if !ok {
		return nil, accord.Errorf(accord.ENOTFOUND, "no sealed content %q", sha256)
	}
	return &x, nil
}
