package main

import (
	"github.com/accord-peace/accord/agreement"
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
