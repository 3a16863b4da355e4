package mediation

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"filippo.io/age"
)

// Store keeps the encrypted confidential content by commitment, durably.
type Store interface {
	// PutConfidential stores a ciphertext; one already stored under the
	// commitment is left as it is.
	PutConfidential(ctx context.Context, commitment string, ciphertext []byte) error
	// Confidential returns the ciphertext of a commitment; ENOTFOUND when
	// none is stored.
	Confidential(ctx context.Context, commitment string) ([]byte, error)
}

// sealed is what the store encrypts: the content and its salt.
type sealed struct {
	Salt    []byte `json:"salt"`
	Content []byte `json:"content"`
}

// vault encrypts to the mediation's key and decrypts with it.
type vault struct {
	store Store
	id    *age.X25519Identity
}

func (v vault) put(ctx context.Context, commitment string, salt, content []byte) error {
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, v.id.Recipient())
	if err != nil {
		return err
	}
	plain, _ := json.Marshal(sealed{Salt: salt, Content: content})
	if _, err := w.Write(plain); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return v.store.PutConfidential(ctx, commitment, buf.Bytes())
}

func (v vault) get(ctx context.Context, commitment string) (salt, content []byte, err error) {
	ct, err := v.store.Confidential(ctx, commitment)
	if err != nil {
		return nil, nil, err
	}
	r, err := age.Decrypt(bytes.NewReader(ct), v.id)
	if err != nil {
		return nil, nil, fmt.Errorf("confidential content %s: %v (is this the mediation's key?)", commitment, err)
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("confidential content %s: %v", commitment, err)
	}
	var s sealed
	if err := json.Unmarshal(plain, &s); err != nil {
		return nil, nil, fmt.Errorf("confidential content %s: %v", commitment, err)
	}
	return s.Salt, s.Content, nil
}
