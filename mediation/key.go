package mediation

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"filippo.io/age"
	"github.com/accord-peace/accord"
)

// keyError is what is wrong with the key's file, the operator's to mend
// (EINVALID): the file, why, and what to do.
func keyError(path string, err error, fix string) error {
	return &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf("mediation key %s: %v; %s", path, err, fix)}
}

// restoreKey is what to do with a key file that holds no identity.
const restoreKey = "it must hold the age identity (AGE-SECRET-KEY-1…) accord wrote; restore it from a backup (without it the sealed positions cannot be read)"

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
			return nil, keyError(path, err, "its directory must be one this user can write")
		}
		return id, nil
	}
	if err != nil {
		return nil, keyError(path, err, "it must be a file this user can read")
	}
	return parseKey(path, b)
}

// CheckKey says, as LoadKey would, what is wrong with the key file at
// path, and reads it only: nil when it holds a key or does not exist
// (LoadKey makes it).
func CheckKey(path string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return keyError(path, err, "it must be a file this user can read")
	}
	_, err = parseKey(path, b)
	return err
}

// parseKey reads the identity in the bytes b of the key file path.
func parseKey(path string, b []byte) (*age.X25519Identity, error) {
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, err := age.ParseX25519Identity(line)
		if err != nil {
			return nil, keyError(path, err, restoreKey)
		}
		return id, nil
	}
	return nil, keyError(path, errors.New("no AGE-SECRET-KEY line"), restoreKey)
}
