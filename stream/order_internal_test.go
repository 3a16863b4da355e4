package stream

import (
	"bytes"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/accord-peace/accord/mission"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/sector"
)

// batchNames is a Sequencer that names, for each batch handed out, the
// batch its parts' incidents say.
type batchNames struct{ order []string }

func (b *batchNames) Apply(int, []sector.Version) []monitor.Incident { return nil }

func (b *batchNames) ApplyBatch(parts []sector.Part) []monitor.Incident {
	b.order = append(b.order, parts[0].Versions[0].Incident.ID)
	return nil
}

// outputs hands a recorder the sectors' outputs one after another, as
// its fused log would: each a part of a batch, naming the batch before it
// (HeaderAfter, none when "") and its batch's parts.
type outputs struct {
	r         *Recorder
	seq       uint64
	restoring bool
}

func (l *outputs) out(s int, batch, after string, parts int) {
	l.hold(s, batch, after, parts, time.Time{})
}

// hold is out, of a tick's part to tick when that is not zero (no
// incident); it returns the steps the recorder hands out.
func (l *outputs) hold(s int, batch, after string, parts int, tick time.Time) []mission.Step {
	l.seq++
	h := nats.Header{}
	h.Set(HeaderBatch, batch)
	if after != "" {
		h.Set(HeaderAfter, after)
	}
	if parts > 1 {
		h.Set(HeaderParts, strconv.Itoa(parts))
	}
	f := fused{Sector: s, ObsSeq: l.seq}
	if tick.IsZero() {
		f.Versions = []sector.Version{{Incident: monitor.Incident{ID: batch}}}
	} else {
		h.Set(HeaderTick, strconv.FormatInt(tick.UnixNano(), 10))
	}
	return l.r.hold(f, h, l.seq, l.restoring)
}

// A node's first batch on a new stream names none before it (no
// HeaderAfter): it is decided once whole, even when a batch published
// after it came first into the fused log — its vessels alone, it told no
// other sector a tick, and the next batch's part in another sector was
// through first. It waited for ever (up to maxWaiting batches behind
// it) and the batches after it with it.
func TestFirstBatchAfterALaterOne(t *testing.T) {
	seqr := &batchNames{}
	r := &Recorder{Sectors: 2, seq: seqr, logger: slog.New(slog.DiscardHandler)}
	out := (&outputs{r: r, restoring: true}).out
	// A: sector 0 alone, the node's first; B: sectors 0 and 1 (a tick),
	// after A; C: sector 1, after B. Sector 1's worker is through first.
	out(1, "B", "A", 2)
	out(1, "C", "B", 1)
	out(0, "A", "", 1)
	out(0, "B", "A", 2)
	if want := []string{"A", "B", "C"}; !slices.Equal(seqr.order, want) {
		t.Errorf("batches decided %v, want %v (the order published); %d held", seqr.order, want, len(r.waiting))
	}
}

// A batch an ingest node rebuilt at its restart (Recover) after some of
// its messages reached the stream: the rebuilt messages name no batch
// before it (the node read the batch itself back as the stream's last),
// the others name the one before. Its rebuilt part first in the fused log
// made it a batch after none, decided at the head before the one it comes
// after.
func TestRebuiltPartNamesNoBatch(t *testing.T) {
	seqr := &batchNames{}
	r := &Recorder{Sectors: 3, seq: seqr, logger: slog.New(slog.DiscardHandler)}
	out := (&outputs{r: r, restoring: true}).out
	// Y, then Z in sector 2, P in sector 0, R in sectors 0 (its message
	// published before the restart, after P) and 1 (rebuilt); sector 2's
	// worker is the last through.
	out(2, "Y", "", 1)
	out(1, "R", "", 2)
	out(0, "P", "Z", 1)
	out(0, "R", "P", 2)
	out(2, "Z", "Y", 1)
	if want := []string{"Y", "Z", "P", "R"}; !slices.Equal(seqr.order, want) {
		t.Errorf("batches decided %v, want %v (the order published)", seqr.order, want)
	}
}

// Past maxWaiting batches held, the oldest is decided as it stands: a
// batch whose parts are all in but whose batch before it (HeaderAfter)
// never came is then decided ahead of it, out of its node's order — which
// the log says, as it says it of a batch whose parts did not all come.
func TestForcedOutOfOrderIsSaid(t *testing.T) {
	seqr := &batchNames{}
	var logs bytes.Buffer
	r := &Recorder{Sectors: 1, seq: seqr, logger: slog.New(slog.NewTextHandler(&logs, nil))}
	log := &outputs{r: r}
	for i := range maxWaiting + 1 {
		log.out(0, fmt.Sprint("B", i), fmt.Sprint("B", i-1), 1) // B-1 never comes
	}
	if len(seqr.order) == 0 || seqr.order[0] != "B0" {
		t.Fatalf("decided %v, want B0 first once %d batches waited", seqr.order, maxWaiting+1)
	}
	if !strings.Contains(logs.String(), "decided before the batch it comes after") || !strings.Contains(logs.String(), "after=B-1") {
		t.Fatalf("log:\n%s\nwant a warning that B0 was decided before B-1, which it comes after", logs.String())
	}
}

// A batch that comes after one decided long before (a regional node cut
// off for hours: its first batch on reconnecting names the last it
// published before the cut) is decided at once, not held for PartWait
// with a warning that the batch before it never came: the recorder
// remembers far more decided batches than a mission decides in hours.
func TestBatchAfterOneDecidedLongAgo(t *testing.T) {
	seqr := &batchNames{}
	r := &Recorder{Sectors: 1, seq: seqr, logger: slog.New(slog.DiscardHandler)}
	log := &outputs{r: r}
	out := func(batch, after string) { log.out(0, batch, after, 1) }
	out("cut", "")        // the regional node's last batch before the cut
	const others = 20_000 // the other nodes' batches meanwhile: 5.5 h at one a second
	for i := range others {
		after := fmt.Sprint("B", i-1)
		if i == 0 {
			after = "cut"
		}
		out(fmt.Sprint("B", i), after)
		if len(r.waiting) > 0 {
			t.Fatalf("batch B%d held: each comes after the one before, decided", i)
		}
	}
	out("back", "cut")
	if len(seqr.order) != others+2 || seqr.order[len(seqr.order)-1] != "back" {
		t.Fatalf("%d batches decided, the last %q; %d held; want %d, the last \"back\" (it comes after \"cut\", decided %d batches before)",
			len(seqr.order), seqr.order[len(seqr.order)-1], len(r.waiting), others+2, others)
	}
}

// Parts of one batch that disagree on their number (a part rebuilt at an
// ingest node's restart from an old pending record, without the node's
// state, counts fewer: its part of ticks alone left out): the batch is
// whole only at the most any part says, and the disagreement is logged.
// Before, the count of the latest part decided: B's original part said 3,
// the rebuilt one 2, and B was decided at two parts, without sector 2's.
func TestPartsDisagreeOnTheirNumber(t *testing.T) {
	seqr := &batchNames{}
	var logs bytes.Buffer
	r := &Recorder{Sectors: 3, seq: seqr, logger: slog.New(slog.NewTextHandler(&logs, nil))}
	out := (&outputs{r: r}).out
	out(0, "A", "", 1)
	out(0, "B", "A", 3) // the original, before the node died
	out(1, "B", "A", 2) // rebuilt at its restart
	if slices.Contains(seqr.order, "B") {
		t.Fatalf("batches decided %v: B at two of its three parts", seqr.order)
	}
	out(2, "B", "A", 3) // the part of ticks alone, come after all
	if want := []string{"A", "B"}; !slices.Equal(seqr.order, want) {
		t.Errorf("batches decided %v, want %v", seqr.order, want)
	}
	if !strings.Contains(logs.String(), "disagree on how many they are") {
		t.Errorf("nothing logged of the disagreement: %s", logs.String())
	}
}

// A part in one part (no HeaderParts) of a batch whose other part said
// two — rebuilt at an ingest node's restart from a pending record kept
// without the node's state, its part of ticks alone, published before
// the node died, left out — is a part of that batch, not a batch of its
// own. Before, it was decided alone and made the batch whole, while the
// part said two went on waiting: never whole, its release (PartWait)
// ignored as of a batch whole already, and the node's next batch, after
// it, held behind it until maxWaiting batches were.
func TestPartInOneOfABatchInTwo(t *testing.T) {
	for _, restoring := range []bool{false, true} {
		t.Run(fmt.Sprint("restoring ", restoring), func(t *testing.T) {
			seqr := &batchNames{}
			r := &Recorder{Sectors: 2, seq: seqr, logger: slog.New(slog.DiscardHandler)}
			o := &outputs{r: r, restoring: restoring}
			o.out(0, "A", "", 1)
			o.out(1, "B", "A", 2) // the part of ticks alone, before the node died
			o.out(0, "B", "", 1)  // rebuilt at its restart: one part
			o.out(0, "C", "B", 1)
			o.seq++
			r.release("B", o.seq, restoring) // as PartWait would have it
			if want := []string{"A", "B", "C"}; !slices.Equal(seqr.order, want) || len(r.waiting) != 0 {
				t.Errorf("batches decided %v, want %v; %d held", seqr.order, want, len(r.waiting))
			}
		})
	}
}
