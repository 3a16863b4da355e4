package talks

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
)

// SaltSize is the size of a commitment's salt: 32 random bytes, so that no
// one can confirm a guess of the content against the commitment.
const SaltSize = 32

// Commit is the commitment to content under a salt: the hex SHA-256 of the
// salt followed by the content. The record keeps it in place of the
// content; revealing the content and the salt proves which content it was.
func Commit(salt, content []byte) string {
	h := sha256.New()
	h.Write(salt)
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// NewSalt returns a fresh random salt.
func NewSalt() []byte {
	s := make([]byte, SaltSize)
	if _, err := rand.Read(s); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return s
}

// Opens reports whether content and salt are what the commitment commits
// to; an error says why not.
func Opens(commitment string, salt, content []byte) error {
	if len(salt) != SaltSize {
		return fmt.Errorf("a salt is %d bytes, not %d", SaltSize, len(salt))
	}
	want, err := hex.DecodeString(commitment)
	if err != nil || len(want) != sha256.Size {
		return fmt.Errorf("commitment %q is not a hex SHA-256", commitment)
	}
	got, _ := hex.DecodeString(Commit(salt, content))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return fmt.Errorf("the content and salt do not open commitment %s", commitment)
	}
	return nil
}
