package mission

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"slices"

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

// scanRecorded reads the incident versions a ledger holds, for a mission
// without an agreement engine (which reads them with its history).
func scanRecorded(l Ledger) (recordedVersions, error) {
	r := recordedVersions{}
	for i := int64(0); i < l.Len(); i++ {
		rec, err := l.Record(i)
		if err != nil {
			return nil, err
		}
		var e ledger.Entry
		if err := json.Unmarshal(rec, &e); err != nil {
			return nil, fmt.Errorf("entry %d: %v", i, err)
		}
		r.add(&e)
	}
	return r, nil
}

// replayed keeps the last version of each incident the replay of the
// stored observations made, and the order they were last changed in.
type replayed struct {
	at   map[string]int // index in ins
	ins  []monitor.Incident
	last []int // the step that last changed ins[i]
	step int
}

// keep takes in the incidents a replay step changed.
func (r *replayed) keep(changed []monitor.Incident) {
	if r.at == nil {
		r.at = map[string]int{}
	}
	r.step++
	for _, in := range changed {
		i, ok := r.at[in.ID]
		if !ok {
			i = len(r.ins)
			r.at[in.ID] = i
			r.ins = append(r.ins, monitor.Incident{})
			r.last = append(r.last, 0)
		}
		r.ins[i], r.last[i] = in, r.step
	}
}

// catchUp records the incidents whose last replayed version the ledger
// lacks (see above), in the order the replay last changed them, and
// returns how many.
func (m *Mission) catchUp(ctx context.Context, rec recordedVersions, r *replayed) (int, error) {
	var missing []int
	for i := range r.ins {
		e := incidentEntry(&r.ins[i])
		if d, ok := rec[r.ins[i].ID]; !ok || d != sha256.Sum256(e.Body) {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return 0, nil
	}
	slices.SortStableFunc(missing, func(a, b int) int { return r.last[a] - r.last[b] })
	changed := make([]monitor.Incident, len(missing))
	for k, i := range missing {
		changed[k] = r.ins[i]
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
