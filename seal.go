package accord

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

// Seal is what a sealed ledger entry's body holds in place of its content:
// content the record restricts (a notice while its consultation is open, a
// party's answer and evidence, a guarantor's signature before the quorum)
// stays off the public record, which keeps a commitment to it, so that the
// Merkle proofs hold over what everyone can read. The content, with its
// salt, is kept by the mission (Sealed) and served to those who may read
// it; anyone holding it checks it against the seal (Opens).
type Seal struct {
	// SHA256 is the hex SHA-256 of the salt followed by the content.
	SHA256 string `json:"sealed_sha256"`
	// Consultation is what the content concerns: it is read by those who
	// may read the consultation's notice, and by everyone once the
	// consultation is closed.
	Consultation string `json:"consultation"`
}

// Sealed is sealed content: the content, its salt (32 random bytes, so
// that no one can confirm a guess of the content against the seal) and
// its seal.
type Sealed struct {
	Seal
	Salt    []byte          `json:"salt"`
	Content json.RawMessage `json:"content"`
}

// NewSealed seals content concerning a consultation with a fresh salt.
func NewSealed(content []byte, consultation string) (Sealed, error) {
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return Sealed{}, err
	}
	return Sealed{Seal: Seal{SHA256: digest(salt, content), Consultation: consultation}, Salt: salt, Content: content}, nil
}

func digest(salt, content []byte) string {
	h := sha256.New()
	h.Write(salt)
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// Check reports whether the content and salt are the ones the seal commits
// to.
func (s *Sealed) Check() error {
	if digest(s.Salt, s.Content) != s.SHA256 {
		return fmt.Errorf("the content of seal %s does not match it", s.SHA256)
	}
	return nil
}

// Body is the seal as an entry's body.
func (s Seal) Body() []byte {
	b, _ := json.Marshal(s)
	return b
}

// SealOf reads a ledger entry's body as a seal: ok is false when the body is not
// exactly a seal's encoding (then it is the content itself).
func SealOf(body []byte) (s Seal, ok bool) {
	if len(body) == 0 || body[0] != '{' || !bytes.HasPrefix(body, []byte(`{"sealed_sha256":`)) {
		return Seal{}, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if dec.Decode(&s) != nil || dec.More() || len(s.SHA256) != sha256.Size*2 || s.Consultation == "" || !bytes.Equal(s.Body(), body) {
		return Seal{}, false
	}
	if _, err := hex.DecodeString(s.SHA256); err != nil {
		return Seal{}, false
	}
	return s, true
}

// SealedStore keeps sealed content durably, for as long as the record
// lives: the record holds only its seal, and the server restores the
// agreement's state from the content.
type SealedStore interface {
	// PutSealed stores sealed content atomically and durably; a seal
	// already stored is left as it is.
	PutSealed(ctx context.Context, s []Sealed) error
	// Sealed returns the content of a seal (its SHA256); ENOTFOUND when
	// none is stored.
	Sealed(ctx context.Context, sha256 string) (*Sealed, error)
}

// UnsyncedSealedStore is a SealedStore that can also store sealed content
// without waiting for the disk (as UnsyncedObservationStore): the content
// is durable once durable returned nil.
type UnsyncedSealedStore interface {
	PutSealedUnsynced(ctx context.Context, s []Sealed) (durable func() error, err error)
}
