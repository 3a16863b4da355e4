package monitor

// Summarised counts the observations the pipeline's summaries have taken
// in since it started.
func (p *Pipeline) Summarised() int { return p.summarised }

// Rescan evaluates every open incident from all its observations, as the
// pipeline did before it kept summaries; Current evaluates them with the
// summaries kept.
func (p *Pipeline) Rescan() []Incident {
	var out []Incident
	for _, in := range p.fusion.Incidents() {
		var ms []*Observation
		for _, r := range in.Reports {
			if o := p.obs[Key{Source: r.Source, ID: r.ID}]; o != nil {
				ms = append(ms, o)
			}
		}
		out = append(out, p.evaluateWith(in, p.summaryOf(ms)))
	}
	return out
}

// Current evaluates every open incident with the summaries kept.
func (p *Pipeline) Current() []Incident {
	var out []Incident
	for _, in := range p.fusion.Incidents() {
		out = append(out, p.evaluate(in))
	}
	return out
}

// RestartOnLate makes the pipeline's summaries start over from the kept
// observations by key on a late report, as they did before they kept the
// observations in order.
func (p *Pipeline) RestartOnLate() { p.dup = true }
