package forecast

// Forecast is what every model returns: every actor's position in every
// state, from the input (state 0) to the last round, with each state's
// weighted median and mean, on the input's scale.
type Forecast struct {
	Model      string        `json:"model"`
	Rounds     int           `json:"rounds"`
	Actors     []string      `json:"actors"`
	Dimensions []string      `json:"dimensions"`
	Positions  [][][]float64 `json:"positions"` // [state][actor][dimension]
	Median     [][]float64   `json:"median"`    // [state][dimension]
	Mean       [][]float64   `json:"mean"`      // [state][dimension]
}

// newForecast fills a Forecast from the states a model went through,
// computing each state's weighted median and mean.
func newForecast(model string, in *Input, states [][][]float64) *Forecast {
	f := &Forecast{
		Model:      model,
		Rounds:     len(states) - 1,
		Actors:     in.ActorNames(),
		Dimensions: append([]string(nil), in.Dimensions...),
		Positions:  states,
	}
	for _, st := range states {
		f.Median = append(f.Median, Medians(in, st))
		f.Mean = append(f.Mean, Means(in, st))
	}
	return f
}

// Final is the last state's positions: [actor][dimension].
func (f *Forecast) Final() [][]float64 { return f.Positions[len(f.Positions)-1] }
