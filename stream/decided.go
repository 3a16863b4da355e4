package stream

import "hash/maphash"

// decided remembers the batches the recorder decided (whole, or let go):
// the last maxDecided of them, each as a 64-bit hash of its name (this
// process's seed: the set is made again from the fused log at a start) —
// a slot of a ring and a map entry, some 36 bytes a batch — so that a
// batch named by one that comes after it hours later (a regional node cut
// off, on reconnecting, names the last batch it published before) is
// still known decided, and not waited for. Two names with one hash are a
// chance of 1 in 2^64 a pair: a batch taken for decided when it is not
// would be decided before it.
type decided struct {
	seed maphash.Seed
	set  map[uint64]struct{}
	ring []uint64 // the hashes, oldest first from next once full
	next int
}

// maxDecided bounds the batches the recorder remembers decided: a day
// and a half at 8 batches a second (4,000 observations a second in
// batches of 500), 12 days at one a second; at most some 40 MB (38 MB
// measured for 2^20).
const maxDecided = 1 << 20

func (d *decided) hash(batch string) uint64 {
	if d.set == nil {
		d.seed = maphash.MakeSeed()
		d.set = map[uint64]struct{}{}
	}
	return maphash.String(d.seed, batch)
}

// has says whether a batch is among those remembered decided.
func (d *decided) has(batch string) bool {
	if d.set == nil {
		return false
	}
	_, ok := d.set[d.hash(batch)]
	return ok
}

// add remembers a batch decided, forgetting the oldest past maxDecided.
func (d *decided) add(batch string) {
	h := d.hash(batch)
	if _, ok := d.set[h]; ok {
		return
	}
	if len(d.ring) < maxDecided {
		d.ring = append(d.ring, h)
	} else {
		delete(d.set, d.ring[d.next])
		d.ring[d.next] = h
		d.next = (d.next + 1) % maxDecided
	}
	d.set[h] = struct{}{}
}
