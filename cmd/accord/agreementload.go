package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/scenario"
	"github.com/accord-peace/accord/scenarios"
)

// loadAgreement reads an agreement file, or the embedded reference
// agreement when path is "" or "reference", or an embedded functional
// agreement by name (embedded; one that reads another agreement's state is
// loaded with it: loadAgreements).
func loadAgreement(path string) (*agreement.Agreement, error) {
	if path == "" {
		path = "reference"
	}
	if f, ok := embedded[path]; ok {
		return agreement.LoadFS(scenarios.FS, f)
	}
	if err := agreementFileExists(path); err != nil {
		return nil, err
	}
	return agreement.Load(path)
}

// agreementFileExists says, of a bare name (no folder, no extension) that
// is neither embedded nor a file, that it is neither, with the names
// embedded: a mistyped name is told what it could have been. A path is
// left to the loader, which names it.
func agreementFileExists(name string) error {
	if strings.ContainsAny(name, `/\.`) {
		return nil
	}
	if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) {
		return accord.Errorf(accord.ENOTFOUND, "agreement %q: no such file, nor an agreement embedded by that name (%s)", name, embeddedNames())
	}
	return nil
}

// embedded are the agreements embedded by name: the reference case's main
// agreement and the functional agreements beside it.
var embedded = map[string]string{
	"reference":         scenarios.ReferenceAgreement,
	"grain-corridor":    scenarios.GrainCorridor,
	"nuclear-plant":     scenarios.NuclearPlantAgreement,
	"prisoner-exchange": scenarios.PrisonerExchange,
}

// embeddedPrefix marks the paths loadAgreements reads from the embedded
// files rather than the disk (the geometry beside an embedded agreement is
// embedded too).
const embeddedPrefix = "embedded:"

// readEmbeddedOrFile reads an embedded file (embeddedPrefix) or a file.
func readEmbeddedOrFile(p string) ([]byte, error) {
	if rest, ok := strings.CutPrefix(p, embeddedPrefix); ok {
		return scenarios.FS.ReadFile(rest)
	}
	return os.ReadFile(p)
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
	var files []string
	for _, p := range paths {
		names := []string{p}
		if p == referenceCase {
			names = []string{"reference", "grain-corridor", "prisoner-exchange", "nuclear-plant"}
		}
		for _, n := range names {
			if n == "" {
				n = "reference"
			}
			if f, ok := embedded[n]; ok {
				n = embeddedPrefix + f
			} else if err := agreementFileExists(n); err != nil {
				return nil, err
			}
			files = append(files, n)
		}
	}
	if len(files) == 1 {
		if f, ok := strings.CutPrefix(files[0], embeddedPrefix); ok {
			a, err := agreement.LoadFS(scenarios.FS, f)
			return []*agreement.Agreement{a}, err
		}
		a, err := agreement.Load(files[0])
		return []*agreement.Agreement{a}, err
	}
	return agreement.ReadSet(readEmbeddedOrFile, filepath.Join, files...)
}

// loadAgreementsRegistry loads the agreements a record runs
// (loadAgreements) and the registry of the authors' keys they register
// with those of a keys file (registry); signed says whether the agreements
// register any (then every answer and finding must be signed).
func loadAgreementsRegistry(paths []string, keysPath string) (as []*agreement.Agreement, reg *ledger.Registry, signed bool, err error) {
	if as, err = loadAgreements(paths); err != nil {
		return nil, nil, false, err
	}
	keys, err := agreedKeys(as)
	if err != nil {
		return nil, nil, false, err
	}
	if reg, err = registry(keys, keysPath); err != nil {
		return nil, nil, false, err
	}
	return as, reg, len(keys) > 0, nil
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
