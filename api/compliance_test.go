package api_test

import (
	"testing"
	"time"

	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/engine"
)

func TestComplianceOf(t *testing.T) {
	t0 := time.Date(2025, 6, 1, 10, 30, 0, 0, time.UTC)
	at := func(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }
	st := &engine.State{
		Now:    at(50),
		Signed: []engine.Signature{{Party: "ua", At: t0}, {Party: "ru", At: t0}},
		Violations: []engine.ViolationState{
			{ID: "a", At: at(1), Party: "ru", Status: "confirmed"},
			{ID: "b", At: at(2), Party: "ru", Status: "confirmed"},
			{ID: "c", At: at(30), Party: "ru", Status: "dismissed"},
			{ID: "d", At: at(30), Party: "ua", Status: "confirmed"},
			{ID: "e", At: at(49), Party: "ua", Status: "confirmed"},
		},
		Consultations: []engine.ConsultationState{
			{ID: "a", Violation: "a", Stage: engine.StageClosed, Outcome: engine.Upheld},
			{ID: "b", Violation: "b", Stage: engine.StageJoint},
			{ID: "c", Violation: "c", Stage: engine.StageClosed, Outcome: engine.Dismissed},
			{ID: "d", Violation: "d", Stage: engine.StageClosed, Outcome: engine.Unresolved},
			{ID: "e", Violation: "e", Stage: engine.StageClosed, Outcome: engine.Inconclusive},
		},
	}
	tests := []struct {
		bucket   time.Duration
		points   int
		ru, ua   api.ComplianceCounts
		ruFirst  int // violations of ru in the first bucket
		uaBucket int // the bucket of ua's first violation
		err      bool
	}{
		{bucket: 24 * time.Hour, points: 3, ru: api.ComplianceCounts{Violations: 3, Upheld: 1, Open: 1, Dismissed: 1},
			ua: api.ComplianceCounts{Violations: 2, Upheld: 1, Inconclusive: 1}, ruFirst: 2, uaBucket: 1},
		{bucket: time.Hour, points: 51, ru: api.ComplianceCounts{Violations: 3, Upheld: 1, Open: 1, Dismissed: 1},
			ua: api.ComplianceCounts{Violations: 2, Upheld: 1, Inconclusive: 1}, ruFirst: 0, uaBucket: 30},
		{bucket: time.Minute, err: true}, // 3,000 buckets
	}
	for _, tt := range tests {
		c, err := api.ComplianceOf([]string{"ua", "ru"}, st, tt.bucket)
		if tt.err {
			if err == nil {
				t.Errorf("%v: no error for %d buckets", tt.bucket, len(c.Parties[0].Points))
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tt.bucket, err)
		}
		ua, ru := c.Parties[0], c.Parties[1]
		if len(ru.Points) != tt.points || ru.Totals != tt.ru || ua.Totals != tt.ua {
			t.Errorf("%v: %d points, ru %+v, ua %+v", tt.bucket, len(ru.Points), ru.Totals, ua.Totals)
		}
		if ru.Points[0].Violations != tt.ruFirst || ua.Points[tt.uaBucket].Violations != 1 {
			t.Errorf("%v: ru's first bucket %+v, ua's bucket %d %+v", tt.bucket, ru.Points[0], tt.uaBucket, ua.Points[tt.uaBucket])
		}
		if !c.From.Equal(t0.Truncate(tt.bucket)) {
			t.Errorf("%v: from %v", tt.bucket, c.From)
		}
	}
}
