package monitor

import (
	"context"
	"sync"

	"github.com/accord-peace/accord"
)

var _ IncidentStore = (*MemIncidentStore)(nil)

// MemIncidentStore is an IncidentStore in memory, safe for concurrent use:
// the batch commands' store.
type MemIncidentStore struct {
	mu  sync.RWMutex
	ins []Incident
	at  map[string]int
}

// NewMemIncidentStore returns an empty store.
func NewMemIncidentStore() *MemIncidentStore { return &MemIncidentStore{at: map[string]int{}} }

// PutIncidents implements IncidentStore.
func (s *MemIncidentStore) PutIncidents(ctx context.Context, ins []Incident) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, in := range ins {
		if i, ok := s.at[in.ID]; ok {
			s.ins[i] = in
			continue
		}
		s.at[in.ID] = len(s.ins)
		s.ins = append(s.ins, in)
	}
	return nil
}

// Incident implements IncidentStore.
func (s *MemIncidentStore) Incident(ctx context.Context, id string) (*Incident, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, ok := s.at[id]
	if !ok {
		return nil, accord.Errorf(accord.ENOTFOUND, "no incident %q", id)
	}
	in := s.ins[i]
	return &in, nil
}

// Incidents implements IncidentStore.
func (s *MemIncidentStore) Incidents(ctx context.Context, q IncidentQuery) (IncidentPage, error) {
	limit, err := q.PageSize()
	if err != nil {
		return IncidentPage{}, err
	}
	after, err := ParseCursor(q.After)
	if err != nil {
		return IncidentPage{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	page := IncidentPage{Incidents: []Incident{}}
	last := 0
	// after < len(s.ins) first: after+1 overflows for the largest cursor.
	for i := int(min(after, int64(len(s.ins)))) + 1; i < len(s.ins); i++ {
		if !q.Filter.Match(&s.ins[i]) {
			continue
		}
		if len(page.Incidents) == limit {
			page.Next = Cursor(int64(last))
			break
		}
		page.Incidents = append(page.Incidents, s.ins[i])
		last = i
	}
	return page, nil
}
