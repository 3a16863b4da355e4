// Package ndjson is an observation store in one NDJSON file, in the wire
// form of the observation contract (docs/observation.md): the store of
// 'accord monitor ingest', readable by any tool that reads the contract.
// Every Put rewrites the file atomically (a temporary file, fsynced, then
// renamed over it), so a crash leaves the old file or the new one, never
// half of one; it suits a command-line store of up to some hundred
// thousand observations, not a server's.
package ndjson

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"

	"github.com/accord-peace/accord"
)

// Store is a accord.ObservationStore in a file, safe for concurrent use
// by one process.
type Store struct {
	path string

	mu  sync.RWMutex
	obs []accord.Observation
	dig map[accord.ObservationKey][32]byte
	at  map[accord.ObservationKey]int
}

var _ accord.ObservationStore = (*Store)(nil)

// Open reads the store file; a missing one is an empty store (created by
// the first Put). A file that breaks the contract is an EINVALID error
// naming its bad lines.
func Open(path string) (*Store, error) {
	s := &Store{path: path, dig: map[accord.ObservationKey][32]byte{}, at: map[accord.ObservationKey]int{}}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, &accord.Error{Code: accord.EINVALID, Message: "store " + path, Err: err}
	}
	defer f.Close()
	obs, err := accord.DecodeObservations(bufio.NewReader(f), path)
	if err != nil {
		return nil, err
	}
	for i := range obs {
		s.add(obs[i], obs[i].Digest())
	}
	return s, nil
}

func (s *Store) add(o accord.Observation, d [32]byte) {
	k := o.Key()
	s.at[k] = len(s.obs)
	s.dig[k] = d
	s.obs = append(s.obs, o)
}

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// Put implements accord.ObservationStore: the new observations are added
// at the end of the file, rewritten atomically; nothing is written when
// none is new.
func (s *Store) Put(ctx context.Context, batch []accord.Observation) (accord.PutResult, error) {
	if err := ctx.Err(); err != nil {
		return accord.PutResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	res := accord.PutResult{New: make([]bool, len(batch))}
	fresh := map[accord.ObservationKey][32]byte{}
	var add []int
	digests := make([][32]byte, len(batch))
	var conflicts accord.Conflicts // every one, not the first alone
	for i := range batch {
		k, d := batch[i].Key(), batch[i].Digest()
		digests[i] = d
		old, stored := s.dig[k]
		if !stored {
			old, stored = fresh[k]
		}
		if stored {
			if old != d {
				conflicts = append(conflicts, accord.Conflict{Index: i, Key: k})
				continue
			}
			res.Duplicates++
			continue
		}
		fresh[k] = d
		add = append(add, i)
	}
	if conflicts != nil {
		return accord.PutResult{}, accord.ConflictError(conflicts)
	}
	if len(add) == 0 {
		return res, nil
	}
	all := make([]accord.Observation, 0, len(s.obs)+len(add))
	all = append(all, s.obs...)
	for _, i := range add {
		all = append(all, batch[i])
	}
	if err := writeAtomic(s.path, all); err != nil {
		return accord.PutResult{}, err
	}
	for _, i := range add {
		s.add(batch[i], digests[i])
		res.New[i] = true
	}
	res.Added = len(add)
	return res, nil
}

// Get implements accord.ObservationStore.
func (s *Store) Get(ctx context.Context, k accord.ObservationKey) (*accord.Observation, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, ok := s.at[k]
	if !ok {
		return nil, accord.Errorf(accord.ENOTFOUND, "no observation (source %q, id %q) in %s", k.Source, k.ID, s.path)
	}
	o := s.obs[i]
	return &o, nil
}

// Len implements accord.ObservationStore.
func (s *Store) Len(ctx context.Context) (int, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.obs), nil
}

// All implements accord.ObservationStore.
func (s *Store) All(ctx context.Context, f func(*accord.Observation) error) error {
	s.mu.RLock()
	obs := s.obs[:len(s.obs):len(s.obs)]
	s.mu.RUnlock()
	for i := range obs {
		o := obs[i]
		if err := f(&o); err != nil {
			return err
		}
	}
	return nil
}

// writeAtomic writes the observations to a temporary file beside path,
// fsyncs it, renames it over path and fsyncs the directory.
func writeAtomic(path string, obs []accord.Observation) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	err = accord.EncodeObservations(w, obs)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
