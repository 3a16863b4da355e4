package mediation

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"filippo.io/age"
)

// LoadKey reads the mediation's age identity from a file, creating one
// (readable by its owner only) when the file does not exist.
func LoadKey(path string) (*age.X25519Identity, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return nil, err
		}
		content := fmt.Sprintf("# accord mediation key: positions are encrypted to %s\n%s\n", id.Recipient(), id)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			return nil, fmt.Errorf("mediation key %s: %v", path, err)
		}
		return id, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mediation key %s: %v", path, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, err := age.ParseX25519Identity(line)
		if err != nil {
			return nil, fmt.Errorf("mediation key %s: %v", path, err)
		}
		return id, nil
	}
	return nil, fmt.Errorf("mediation key %s: no AGE-SECRET-KEY line", path)
}
