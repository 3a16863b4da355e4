package main

import (
	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/scenarios"
)

// loadAgreement reads an agreement file, or the embedded reference
// agreement when path is "" or "reference".
func loadAgreement(path string) (*agreement.Agreement, error) {
	if path == "" || path == "reference" {
		return agreement.LoadFS(scenarios.FS, scenarios.ReferenceAgreement)
	}
	return agreement.Load(path)
}

// embedded are the agreements embedded by name: the reference case's main
// agreement and the functional agreements beside it.
var embedded = map[string]string{
	"reference":         scenarios.ReferenceAgreement,
	"grain-corridor":    scenarios.GrainCorridorAgreement,
	"nuclear-plant":     scenarios.NuclearPlantAgreement,
	"prisoner-exchange": scenarios.PrisonerExchangeAgreement,
}

// referenceCase names the four agreements of the reference case together.
const referenceCase = "reference-case"

// embeddedNames lists the names --agreement takes besides a file.
func embeddedNames() string {
	return "reference, grain-corridor, nuclear-plant, prisoner-exchange; reference-case: the four"
}

// loadAgreements reads the agreements a mission runs, the main one first:
// files, or embedded agreements by name ("reference-case" the four of the
// reference case); none is the reference. The set is checked as one
// (agreement.CheckSet: no id twice, no condition naming an agreement not
// run, no cycle between agreements).
func loadAgreements(paths []string) ([]*agreement.Agreement, error) {
	if len(paths) == 0 {
		paths = []string{"reference"}
	}
	var as []*agreement.Agreement
	for _, p := range paths {
		names := []string{p}
		if p == referenceCase {
			names = []string{"reference", "grain-corridor", "prisoner-exchange", "nuclear-plant"}
		}
		for _, n := range names {
			var a *agreement.Agreement
			var err error
			if f, ok := embedded[n]; ok {
				a, err = agreement.LoadFS(scenarios.FS, f)
			} else if n == "" {
				a, err = agreement.LoadFS(scenarios.FS, scenarios.ReferenceAgreement)
			} else {
				a, err = agreement.Load(n)
			}
			if err != nil {
				return nil, err
			}
			as = append(as, a)
		}
	}
	if err := agreement.CheckSet(as); err != nil {
		return nil, err
	}
	return as, nil
}

// agreedKeys joins the authors' keys the agreements register; an author
// with two different keys is refused.
func agreedKeys(as []*agreement.Agreement) (map[string]string, error) {
	keys := map[string]string{}
	for _, a := range as {
		for name, k := range a.Keys {
			if old, ok := keys[name]; ok && old != k {
				return nil, accord.Errorf(accord.EINVALID, "agreement %s registers another key for %q than an agreement before it: one author, one key", a.ID, name)
			}
			keys[name] = k
		}
	}
	return keys, nil
}

// loadMonitoring reads an agreement as loadAgreement does, which must have
// a monitoring section, and builds the kernel of its geometry.
func loadMonitoring(path string) (*agreement.Agreement, *geo.Kernel, error) {
	a, err := loadAgreement(path)
	if err != nil {
		return nil, nil, err
	}
	if a.Monitoring == nil {
		name := path
		if name == "" {
			name = "the reference agreement"
		}
		return nil, nil, accord.Errorf(accord.EINVALID, "%s has no monitoring section", name)
	}
	k, err := monitor.NewKernel(a.Monitoring)
	if err != nil {
		return nil, nil, err
	}
	return a, k, nil
}

// loadScenario reads a scenario file, or the embedded reference scenario
// when path is "" or "reference".
func loadScenario(path string) (*accord.Scenario, error) {
	if path == "" || path == "reference" {
		data, err := scenarios.FS.ReadFile(scenarios.ReferenceScenario)
		if err != nil {
			return nil, err
		}
		return scenario.Parse(scenarios.ReferenceScenario, data)
	}
	return scenario.Load(path)
}
