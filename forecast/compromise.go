package forecast

// Compromise is the compromise model: in one round every actor moves to the
// power × salience weighted mean of the input's positions, per dimension.
// The Forecast has two states, the input and the compromise; each state's
// weighted median is given beside it.
func Compromise(in *Input) (*Forecast, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	start := in.positions()
	mean := Means(in, start)
	end := make([][]float64, len(in.Actors))
	for i := range end {
		end[i] = append([]float64(nil), mean...)
	}
	return newForecast("compromise", in, [][][]float64{start, end}), nil
}
