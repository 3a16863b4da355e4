package main

import (
	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
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
