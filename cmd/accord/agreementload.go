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
// agreement when path is "" or "reference" (the nuclear plant's when it is
// "nuclear-plant").
func loadAgreement(path string) (*agreement.Agreement, error) {
	if path == "" || path == "reference" {
		return agreement.LoadFS(scenarios.FS, scenarios.ReferenceAgreement)
	}
	if path == "nuclear-plant" {
		return agreement.LoadFS(scenarios.FS, scenarios.NuclearPlantAgreement)
	}
	return agreement.Load(path)
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
