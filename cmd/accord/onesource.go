package main

import (
	"fmt"
	"io"

	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
)

// oneSourceHelp ends the help of the commands that read observations: what
// a single open-source report can and cannot establish.
const oneSourceHelp = `

What one source can establish. An ACLED or UCDP export (--format acled,
ucdp) is one owner's (acled, ucdp): rows compiled from media and other
public reports, each imported as one observation. One source is never
independent corroboration, however many of its rows tell of one event: an
incident made from one owner's reports stays "reported" and can never be
corroborated or confirmed, and only confirmed incidents' violations reach
the agreement (notices, consultations, consequences). The violations listed
on a reported incident are candidates for monitors to check, not findings;
and "0 violations" from such data is the absence of corroborated reports,
not compliance. What such data can show is where and when fighting was
reported. The importers attribute an event to a party only when the row
says who acted (UCDP's sides and ACLED's actor order do not), and keep each
source's date precision as the observation's time accuracy
(docs/observation.md).`

// soleOwner is the owner of every observation when there is one, else "".
func soleOwner(obs []monitor.Observation) string {
	if len(obs) == 0 {
		return ""
	}
	owner := obs[0].Source.Owner
	for i := range obs {
		if obs[i].Source.Owner != owner {
			return ""
		}
	}
	return owner
}

// writeOneSourceNote says, when every observation is one owner's, what
// that input can and cannot establish; incidents are those it produced
// (nil when it was only stored).
func writeOneSourceNote(w io.Writer, obs []monitor.Observation, incidents []monitor.Incident) {
	owner := soleOwner(obs)
	if owner == "" {
		return
	}
	fmt.Fprintf(w, "\nNote: every observation is %s's, one source: never independent corroboration. ", owner)
	if incidents == nil {
		fmt.Fprintln(w, "Its reports alone can make no incident corroborated or confirmed, so no violation the agreement acts on.")
		return
	}
	candidates := 0
	for _, in := range incidents {
		if in.State != fusion.Confirmed {
			candidates += len(in.Violations)
		}
	}
	if candidates == 0 {
		fmt.Fprintln(w, "0 violations from it is not compliance: one source can neither confirm nor rule out a violation.")
		return
	}
	fmt.Fprintf(w, "Its %d violation(s) are candidates for monitors to check, none confirmed (one source cannot confirm one); nor would 0 have meant compliance.\n", candidates)
}
