package accord

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// DecodeStrict decodes exactly one JSON value into v, refusing unknown
// fields, anything after the value and a key given twice in an object
// (RepeatedKey: encoding/json keeps the last, another reader of a signed
// body may keep the first).
func DecodeStrict(b []byte, v any) error {
	if p, ok := RepeatedKey(b); ok {
		return fmt.Errorf("%s: %s; give it once", p, RepeatedKeyReason)
	}
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

// DecodeStrictText is DecodeStrict that also refuses a string that is not
// valid text (BadText): for a body received to be signed and recorded as
// sent, which a reader would otherwise take with U+FFFD in place of what
// was signed. What is read back from the record keeps DecodeStrict, so
// that a record written before this check still reads.
func DecodeStrictText(b []byte, v any) error {
	if p, ok := BadText(b); ok {
		return fmt.Errorf("%s: %s", p, BadTextReason)
	}
	return DecodeStrict(b, v)
}
