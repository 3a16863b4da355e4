package fusion

import (
	"hash/maphash"
	"slices"
)

// seenKeys is the engine's map from the key of each report it holds to its
// incident, keyed by a 64-bit hash of the key rather than the key: a word
// the map hashes and compares cheaply, and whose table is a third of the
// size. A hash names a key's incident (first) when it was free as the key
// came; the incident is asked whether it holds the key (its Reports), so a
// key whose hash another key took is found where it went instead (more),
// and the answers are those of a map by key.
type seenKeys struct {
	seed  maphash.Seed
	hash  func(maphash.Seed, Ref) uint64 // keyHash; tests make keys collide
	first map[uint64]*Incident
	more  map[Ref]*Incident
}

func newSeenKeys() seenKeys {
	return seenKeys{seed: maphash.MakeSeed(), hash: keyHash, first: map[uint64]*Incident{}, more: map[Ref]*Incident{}}
}

// keyHash hashes a key's source and id.
func keyHash(seed maphash.Seed, k Ref) uint64 {
	return maphash.String(seed, k.Source)*0x9e3779b97f4a7c15 ^ maphash.String(seed, k.ID)
}

// get returns the incident holding k.
func (s *seenKeys) get(k Ref) (*Incident, bool) {
	if in, ok := s.first[s.hash(s.seed, k)]; ok && slices.Contains(in.Reports, k) {
		return in, true
	}
	if len(s.more) == 0 {
		return nil, false
	}
	in, ok := s.more[k]
	return in, ok
}

// add records the incident of a key not held (get found none).
func (s *seenKeys) add(k Ref, in *Incident) {
	h := s.hash(s.seed, k)
	if _, taken := s.first[h]; taken {
		s.more[k] = in
		return
	}
	s.first[h] = in
}

// move records that a key held moved to the incident in.
func (s *seenKeys) move(k Ref, in *Incident) {
	if _, ok := s.more[k]; ok {
		s.more[k] = in
		return
	}
	s.first[s.hash(s.seed, k)] = in
}

// remove forgets a key held by in.
func (s *seenKeys) remove(k Ref, in *Incident) {
	if x, ok := s.more[k]; ok && x == in {
		delete(s.more, k)
		return
	}
	if h := s.hash(s.seed, k); s.first[h] == in {
		delete(s.first, h)
	}
}
