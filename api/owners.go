package api

import (
	"net/http"
	"slices"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/monitor"
)

// maxOwnerErrors bounds the lines an owner refusal lists.
const maxOwnerErrors = 20

// checkOwners refuses a batch holding an observation whose source the
// caller may not submit for: with tokens, a source's owner must be the
// caller's actor or one of the owners its token registers. Independence
// is counted by owner, so this is what keeps one token from posing as
// several independent sources. Without tokens (an open server) every
// owner passes.
func (s *Server) checkOwners(r *http.Request, obs []monitor.Observation) error {
	if s.Auth == nil {
		return nil
	}
	p := principal(r)
	var bad []int
	var owners []string
	total := 0
	for i := range obs {
		o := obs[i].Source.Owner
		if p.submitsFor(o) {
			continue
		}
		total++
		if len(bad) < maxOwnerErrors {
			bad = append(bad, i+1)
		}
		if !slices.Contains(owners, o) && len(owners) < maxOwnerErrors {
			owners = append(owners, o)
		}
	}
	if total == 0 {
		return nil
	}
	return accord.Errorf(accord.EFORBIDDEN, "%s may submit observations only for sources owned by %v; %d observation(s) name other owners (%v), the first being observations %v of the batch (counted from 1): nothing of the batch was stored", describe(p), append([]string{p.Actor}, p.Owners...), total, owners, bad)
}
