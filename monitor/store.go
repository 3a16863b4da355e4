package monitor

import (
	"context"
	"sync"

	"github.com/accord-peace/accord"
)

var _ ObservationStore = (*MemStore)(nil)

// MemStore is an ObservationStore in memory, safe for concurrent use.
type MemStore struct {
	mu    sync.RWMutex
	obs   map[Key]*Observation
	dig   map[Key][32]byte
	order []Key
}

// NewMemStore returns an empty store.
func NewMemStore() *MemStore {
	return &MemStore{obs: map[Key]*Observation{}, dig: map[Key][32]byte{}}
}

// Put implements ObservationStore.
func (s *MemStore) Put(ctx context.Context, batch []Observation) (PutResult, error) {
	if err := ctx.Err(); err != nil {
		return PutResult{}, err
	}
	digests := make([][32]byte, len(batch))
	for i := range batch {
		digests[i] = batch[i].Digest()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	fresh := map[Key][32]byte{}
	var add []int
	dups := 0
	var conflicts accord.Conflicts
	for i := range batch {
		k := batch[i].Key()
		d, stored := s.dig[k]
		if !stored {
			d, stored = fresh[k]
		}
		if stored {
			if d != digests[i] {
				conflicts = append(conflicts, accord.Conflict{Index: i, Key: k})
				continue
			}
			dups++
			continue
		}
		fresh[k] = digests[i]
		add = append(add, i)
	}
	if conflicts != nil {
		return PutResult{}, accord.ConflictError(conflicts)
	}
	res := PutResult{Added: len(add), Duplicates: dups, New: make([]bool, len(batch))}
	for _, i := range add {
		o := batch[i]
		s.obs[o.Key()] = &o
		s.dig[o.Key()] = digests[i]
		s.order = append(s.order, o.Key())
		res.New[i] = true
	}
	return res, nil
}

// All implements ObservationStore.
func (s *MemStore) All(ctx context.Context, f func(*Observation) error) error {
	s.mu.RLock()
	order := s.order[:len(s.order):len(s.order)]
	s.mu.RUnlock()
	for _, k := range order {
		s.mu.RLock()
		c := *s.obs[k]
		s.mu.RUnlock()
		if err := f(&c); err != nil {
			return err
		}
	}
	return nil
}

// Get implements ObservationStore.
func (s *MemStore) Get(ctx context.Context, k Key) (*Observation, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.obs[k]
	if !ok {
		return nil, accord.Errorf(accord.ENOTFOUND, "no observation (source %q, id %q)", k.Source, k.ID)
	}
	c := *o
	return &c, nil
}

// Len implements ObservationStore.
func (s *MemStore) Len(ctx context.Context) (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.obs), nil
}
