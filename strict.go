package accord

import (
	"bytes"
	"encoding/json"
	"errors"
)

// DecodeStrict decodes exactly one JSON value into v, refusing unknown
// fields and anything after the value.
func DecodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("data after the value")
	}
	return nil
}
