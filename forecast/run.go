package forecast

import (
	"slices"

	"github.com/accord-peace/accord"
)

// The models by name, as accord forecast --model and the server's
// GET /v1/scenario/forecast.svg?model= take them.
const (
	ModelSMP        = "smp"
	ModelEU         = "eu"
	ModelCompromise = "compromise"
)

// Models lists the models' names, ModelSMP (the default) first.
var Models = []string{ModelSMP, ModelEU, ModelCompromise}

// Options tunes Run: each model's own options.
type Options struct {
	SMP SMPOptions
	EU  EUOptions
}

// Run runs the model named (one of Models) on the input; for ModelEU it
// also returns the model's trace. An unknown name is an EINVALID error
// naming the models.
func Run(in *Input, model string, opt Options) (*Forecast, *EUTrace, error) {
	switch model {
	case ModelSMP:
		f, err := SMP(in, opt.SMP)
		return f, nil, err
	case ModelEU:
		return EU(in, opt.EU)
	case ModelCompromise:
		f, err := Compromise(in)
		return f, nil, err
	}
	return nil, nil, accord.Errorf(accord.EINVALID, "model %q: want smp, eu or compromise", model)
}

// KnownModel reports whether Run knows the model.
func KnownModel(model string) bool { return slices.Contains(Models, model) }

// ScenarioInput is the one path from a scenario to the models' input, for
// accord forecast SCENARIO, the server's chart and the briefing: the
// mapping of FromScenario, checked (Validate).
func ScenarioInput(s *accord.Scenario) (*Input, error) {
	in := FromScenario(s)
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return in, nil
}
