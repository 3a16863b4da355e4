package api

import (
	"net/http"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/mission"
)

// ClockRequest moves the agreement's clock on without data: At is an RFC
// 3339 instant; IfDue records the tick only when it derives something (a
// deadline passed: Mission.TickIfDue), so that a tick sent now and then
// (a cron job: accord clock tick --at now --if-due) records nothing while
// nothing passes.
type ClockRequest struct {
	At    string `json:"at"`
	IfDue bool   `json:"if_due,omitempty"`
}

// ClockResult answers a tick: whether the clock moved, where it stands,
// what the tick derived and the last ledger entry it wrote.
type ClockResult = mission.ClockResult

// postClock ticks the agreement engine's clock to the time given
// (Mission.Tick; on a stream node Server.Tick, which publishes the tick
// and answers it deferred): a monitor's call (tick_clock), for the
// deadlines that pass while no observation comes. A time past the server's own clock by
// more than MaxClockSkew is refused, as an observation's reported_at is:
// a tick from the future would pass every deadline before its time.
func (s *Server) postClock(w http.ResponseWriter, r *http.Request) {
	if s.state(w) == nil {
		return
	}
	var req ClockRequest
	if err := readBody(w, r, &req); err != nil {
		s.fail(w, status(err), err)
		return
	}
	if req.At == "" {
		s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, `the body needs "at": the RFC 3339 instant to move the agreement's clock to`))
		return
	}
	at, err := accord.ParseInstant(req.At)
	if err != nil {
		s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, `"at": %v (want e.g. 2025-06-03T00:00:00Z)`, err))
		return
	}
	if limit := s.notAfter(time.Now()); !limit.IsZero() && at.After(limit) {
		s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, `"at": %s is past the server's clock by more than the clock skew allowed (it may be %s at the latest): the agreement's clock cannot be moved into the future`,
			at.UTC().Format(time.RFC3339Nano), limit.UTC().Format(time.RFC3339)))
		return
	}
	tick, ifDue := s.Mission.Tick, s.Mission.TickIfDue
	if s.Tick != nil {
		tick, ifDue = s.Tick, s.TickIfDue
	}
	if req.IfDue {
		if ifDue == nil {
			// Server.Tick set without Server.TickIfDue: Tick would record
			// the tick whatever passes.
			s.fail(w, http.StatusBadRequest, accord.Errorf(accord.EINVALID, `"if_due": this server takes no tick asked if due (its Tick is set without TickIfDue): send the tick without it`))
			return
		}
		tick = ifDue
	}
	res, err := tick(r.Context(), at)
	if err != nil {
		s.fail(w, status(err), err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// notAfter is the latest time a report (its reported_at) or a tick may
// carry when the server's clock reads now: now and MaxClockSkew
// (DefaultMaxClockSkew when 0); zero when there is no bound (negative).
func (s *Server) notAfter(now time.Time) time.Time {
	switch skew := s.MaxClockSkew; {
	case skew == 0:
		return now.Add(DefaultMaxClockSkew)
	case skew > 0:
		return now.Add(skew)
	}
	return time.Time{}
}
