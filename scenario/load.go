package scenario

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/accord-peace/accord"
)

// Load reads a scenario from a YAML file, or from a folder whose
// scenario.yaml is the root.
func Load(path string) (*accord.Scenario, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &accord.Error{Code: accord.ENOTFOUND, Message: fmt.Sprintf("scenario %s", path), Err: err}
	}
	if fi.IsDir() {
		path = filepath.Join(path, "scenario.yaml")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &accord.Error{Code: accord.ENOTFOUND, Message: fmt.Sprintf("scenario %s", path), Err: err}
	}
	return Parse(path, data)
}
