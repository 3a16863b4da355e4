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
