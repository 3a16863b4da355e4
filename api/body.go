package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/accord-peace/accord"
)

// decodeBody reads a request's JSON body, at most limit bytes, into dst:
// one value, no unknown field, nothing after it, and no string that is not
// valid text (a reader would take U+FFFD in place of what was sent, and a
// signed body nested in it would be recorded other than signed). Keys
// given twice are the signed bodies' business (accord.DecodeStrict): a
// map's keys may differ by case alone. Every route that reads a JSON body
// reads it so. A body over the limit answers tooLarge; any other problem
// is an error the caller wraps with what it expected.
func decodeBody(w http.ResponseWriter, r *http.Request, limit int64, dst any) ([]byte, error) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, tooLarge(r, mbe.Limit)
		}
		return nil, err
	}
	if p, bad := accord.BadText(raw); bad {
		return nil, fmt.Errorf("%s: %s", where(p), accord.BadTextReason)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("one JSON object expected, more follows")
	}
	return raw, nil
}

// where names a place in the body for an error: its path, or the body
// itself when the problem is at its top.
func where(path string) string {
	if path == "" {
		return "the body"
	}
	return path
}

// isTooLarge tells whether decodeBody refused a body for its size.
func isTooLarge(err error) bool {
	var tl *tooLargeError
	return errors.As(err, &tl)
}
