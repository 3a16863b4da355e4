package api

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"net/http"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/ledger"
)

// Headers of a signed observation batch.
const (
	HeaderAuthor    = "Accord-Author"
	HeaderID        = "Accord-Id"
	HeaderSignature = "Accord-Signature"
)

// BatchBody is the body of the submission that signs a batch: the SHA-256
// of the NDJSON bytes, and how many observation lines they hold as sent —
// every line with anything but white space on it, an observation sent
// twice in the batch counted twice (see ObservationLines), which the
// signer counts without decoding.
type BatchBody struct {
	SHA256       string `json:"sha256"`
	Observations int    `json:"observations"`
}

// SignBatch returns the Accord-Signature of a batch: the author's signature
// of the submission {type: observations, body: BatchBody} for the batch id
// (see ledger.SignedMessage); n is ObservationLines(ndjson).
func SignBatch(key ed25519.PrivateKey, author, id string, ndjson []byte, n int) (string, error) {
	s, err := ledger.Sign(key, author, id, "observations", batchBody(ndjson, n))
	return s.Sig, err
}

// ObservationLines counts the observation lines of an NDJSON body as sent:
// lines ending in a line feed or the end of the body, blank ones (nothing
// but white space) left out, as the decoder skips them.
func ObservationLines(ndjson []byte) int {
	n := 0
	for len(ndjson) > 0 {
		line := ndjson
		if i := bytes.IndexByte(ndjson, '\n'); i >= 0 {
			line, ndjson = ndjson[:i], ndjson[i+1:]
		} else {
			ndjson = nil
		}
		if len(bytes.TrimSpace(line)) > 0 {
			n++
		}
	}
	return n
}

func batchBody(ndjson []byte, n int) BatchBody {
	h := sha256.Sum256(ndjson)
	return BatchBody{SHA256: hex.EncodeToString(h[:]), Observations: n}
}

// batchSubmission reads a batch's signature headers. Without them the batch
// is unsigned, which the server accepts unless RequireSigned; with them the
// signature must verify, else the refusal is recorded and the batch
// refused. It returns the submission to append once the batch is stored.
func (s *Server) batchSubmission(r *http.Request, raw []byte) (ledger.Submission, bool, error) {
	author, id, sig := r.Header.Get(HeaderAuthor), r.Header.Get(HeaderID), r.Header.Get(HeaderSignature)
	if author == "" && id == "" && sig == "" {
		if s.RequireSigned {
			return ledger.Submission{}, false, accord.Errorf(accord.EUNAUTHORIZED, "observation batches must be signed: send %s, %s and %s", HeaderAuthor, HeaderID, HeaderSignature)
		}
		return ledger.Submission{}, false, nil
	}
	if author == "" || id == "" || sig == "" {
		return ledger.Submission{}, false, accord.Errorf(accord.EINVALID, "a signed batch needs all of %s, %s and %s", HeaderAuthor, HeaderID, HeaderSignature)
	}
	if s.Record == nil {
		return ledger.Submission{}, false, accord.Errorf(accord.EINVALID, "this server keeps no record: it cannot take signed batches")
	}
	if p := principal(r); s.Auth != nil && p.Actor != author {
		return ledger.Submission{}, false, accord.Errorf(accord.EFORBIDDEN, "%s may not submit for %q", describe(p), author)
	}
	sub, err := ledger.NewSubmission(author, id, "observations", batchBody(raw, ObservationLines(raw)))
	if err != nil {
		return ledger.Submission{}, false, err
	}
	sub.Sig = sig
	if err := s.Record.Ledger.Registry.Check(&sub); err != nil {
		s.Record.Ledger.Submit(sub) // records the refusal
		return ledger.Submission{}, false, accord.Errorf(accord.EINVALID, "signed batch refused, nothing stored: %v", err)
	}
	return sub, true, nil
}
