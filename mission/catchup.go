package mission

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
)

// A batch is stored before it is recorded (Ingest: the store stage
// commits, the record stage appends to the ledger after the pipeline and
// the engine): a server that dies between the two holds observations
// whose incident versions and violations the record lacks, and a client's
// resend of the batch, which the store counts as duplicates, would not
// bring them back. So Open, which replays every stored observation into
// the pipeline, compares the last version of each incident the replay
// made with the last one the ledger holds, and records, as one step
// through the engine stage and the record stage, the incidents whose
// version the record lacks: their versions, and the violations among
// them the engine has not seen, applied as violations known late (at the
// engine's clock, or their confirmation when later). After a clean stop
// the two agree and nothing is recorded.

// recordedVersions is the digest of the last version of each incident the
// ledger holds, by incident id.
type recordedVersions map[string][sha256.Size]byte

// add takes in an entry of the ledger.
func (r recordedVersions) add(e *ledger.Entry) {
	if e.Kind != ledger.KindDerived || e.Type != accord.EntryIncident {
		return
	}
	if id, ok := incidentID(e.Body); ok {
		r[id] = sha256.Sum256(e.Body)
	}
}

// incidentID is the id of an incident entry's body: its first member, as
// AppendJSON writes it; json decodes the rest.
func incidentID(body []byte) (string, bool) {
	const prefix = `{"id":"`
	if rest, ok := bytes.CutPrefix(body, []byte(prefix)); ok {
		if end := bytes.IndexByte(rest, '"'); end >= 0 && bytes.IndexByte(rest[:end], '\\') < 0 {
			return string(rest[:end]), true
		}
	}
	var v struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(body, &v) != nil || v.ID == "" {
		return "", false
	}
	return v.ID, true
}

// recordedMissing is what the ledger holds of the missing presence
// reports: a tick judged some (Mission.Tick), which no stored observation
// gives again at a restart, so Open puts them back in the incident store
// (derived data, rebuilt at every start: a crash may lose its last
// writes) where they were first recorded among the incidents the replay
// puts — the store lists incidents in the order first stored —, the
// replay's versions over them.
type recordedMissing struct {
	last  map[string][]byte   // the last version of each, by id
	after map[string][]string // those first recorded right after an incident's first version, by its id ("": before any)
	order []string            // all, in the order first recorded
	prev  string              // the incident first recorded last
}

func newRecordedMissing() *recordedMissing {
	return &recordedMissing{last: map[string][]byte{}, after: map[string][]string{}}
}

// add takes in an entry of the ledger, before rec does.
func (r *recordedMissing) add(e *ledger.Entry, rec recordedVersions) {
	if e.Kind != ledger.KindDerived || e.Type != accord.EntryIncident {
		return
	}
	id, ok := incidentID(e.Body)
	if !ok {
		return
	}
	_, had := rec[id]
	if strings.HasPrefix(id, "presence:") {
		r.last[id] = e.Body
		if !had {
			r.after[r.prev] = append(r.after[r.prev], id)
			r.order = append(r.order, id)
		}
	}
	if !had {
		r.prev = id
	}
}

// put appends to out the missing reports first recorded right after
// incident id's first version, each followed by those after it, once.
func (r *recordedMissing) put(out []monitor.Incident, id string) ([]monitor.Incident, error) {
	next, ok := r.after[id]
	if !ok {
		return out, nil
	}
	delete(r.after, id)
	for _, m := range next {
		var in monitor.Incident
		if err := json.Unmarshal(r.last[m], &in); err != nil {
			return nil, fmt.Errorf("the ledger's version of incident %s: %v", m, err)
		}
		if in.Event == monitor.MissingReport {
			out = append(out, in)
		}
		var err error
		if out, err = r.put(out, m); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// interleave is a replay step's incidents to store, with the missing
// reports first recorded after each put after it.
func (r *recordedMissing) interleave(ins []monitor.Incident) ([]monitor.Incident, error) {
	if len(r.after) == 0 {
		return ins, nil
	}
	out := make([]monitor.Incident, 0, len(ins))
	for i := range ins {
		var err error
		if out, err = r.put(append(out, ins[i]), ins[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rest are the missing reports not put yet (after an incident the replay
// did not give), in the order first recorded.
func (r *recordedMissing) rest() ([]monitor.Incident, error) {
	var out []monitor.Incident
	for _, id := range r.order {
		for anchor, next := range r.after {
			if slices.Contains(next, id) {
				var err error
				if out, err = r.put(out, anchor); err != nil {
					return nil, err
				}
				break
			}
		}
	}
	return out, nil
}

// scanRecorded reads the incident versions a ledger holds, for a mission
// without an agreement engine (which reads them with its history).
func scanRecorded(l Ledger) (recordedVersions, error) {
	r := recordedVersions{}
	err := eachEntry(l, func(_ int64, e *ledger.Entry) error {
		r.add(e)
		return nil
	})
	return r, err
}

// replayed follows the replay of the stored observations: the incidents
// whose latest replayed version the ledger lacks, each as the pipeline
// handed it out (before the engine's windows and the verdicts, which the
// engine stage applies again when it records it, on the clock it has
// then), and the replay step that last changed it. An incident is
// compared with the ledger once it is closed (a closed incident changes
// again only if a ceiling marks it late) or, still open, at the end: one
// encoding of each, and memory for the open incidents and those that
// differ.
type replayed struct {
	rec    recordedVersions
	open   map[string]replayedVersion // the latest version of each open incident
	differ map[string]replayedVersion
	step   int
}

type replayedVersion struct {
	pre, post monitor.Incident
	step      int
}

// keep takes in the incidents a replay step changed: pre as the pipeline
// handed them out, post as the restore keeps them (pre[i] and post[i] the
// same incident).
func (r *replayed) keep(pre, post []monitor.Incident) {
	if r.open == nil {
		r.open, r.differ = map[string]replayedVersion{}, map[string]replayedVersion{}
	}
	r.step++
	for i := range post {
		v := replayedVersion{pre: pre[i], post: post[i], step: r.step}
		if post[i].ClosedAt == nil {
			r.open[post[i].ID] = v
			continue
		}
		delete(r.open, post[i].ID)
		r.compare(v)
	}
}

// compare keeps a version among those that differ unless the ledger's
// last version of its incident is the same.
func (r *replayed) compare(v replayedVersion) {
	id := v.post.ID
	if d, ok := r.rec[id]; ok && d == sha256.Sum256(incidentEntry(&v.post).Body) {
		delete(r.differ, id)
		return
	}
	r.differ[id] = v
}

// finish compares the incidents still open at the end of the replay.
func (r *replayed) finish() {
	for _, v := range r.open {
		r.compare(v)
	}
	r.open = nil
}

// catchUp records the incidents whose last replayed version the ledger
// lacks (see above), in the order the replay last changed them, and
// returns how many.
func (m *Mission) catchUp(ctx context.Context, r *replayed) (int, error) {
	r.finish()
	if len(r.differ) == 0 {
		return 0, nil
	}
	ids := make([]string, 0, len(r.differ))
	for id := range r.differ {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		if c := r.differ[a].step - r.differ[b].step; c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	changed := make([]monitor.Incident, len(ids))
	for k, id := range ids {
		changed[k] = r.differ[id].pre
	}
	p, err := m.decide(changed)
	if err == nil {
		_, err = m.record(ctx, p)
	}
	if err != nil {
		return 0, fmt.Errorf("recording the %d incident version(s) the stored observations make and the record lacks (the server stopped after their batch was stored, before it was recorded): %w", len(changed), err)
	}
	return len(changed), nil
}
