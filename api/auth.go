package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/accord-peace/accord"
)

// Principal is who a caller is: an actor of the agreement and its role.
type Principal struct {
	Actor string `json:"actor"`
	Role  string `json:"role"`
	// Owners are the source owners a monitor's token submits observations
	// for besides its own actor (a relay: the mission forwarding the
	// imagery providers' reports). An observation whose source.owner is
	// neither is refused: a token cannot invent independent sources.
	Owners []string `json:"owners,omitempty"`
}

// submitsFor reports whether the principal may submit an observation of a
// source with this owner.
func (p Principal) submitsFor(owner string) bool {
	return owner == p.Actor || slices.Contains(p.Owners, owner)
}

// Auth identifies callers by bearer token and decides with the policy.
// Reads of the public record need no token (the public role); everything
// that writes needs one whose role the policy allows.
//
// Tokens is read once, at the first request: the tokens' SHA-256 digests
// are kept, and a presented token's digest is compared with every one of
// them in constant time, so neither a token's length nor its first bytes
// show in the time an answer takes.
type Auth struct {
	Tokens map[string]Principal
	Policy accord.Policy

	once    sync.Once
	digests [][sha256.Size]byte
	holders []Principal
}

// lookup finds the principal of a token: every known digest is compared,
// each in constant time, whatever matches.
func (a *Auth) lookup(tok string) (Principal, bool) {
	a.once.Do(func() {
		for t, p := range a.Tokens {
			a.digests = append(a.digests, sha256.Sum256([]byte(t)))
			a.holders = append(a.holders, p)
		}
	})
	d := sha256.Sum256([]byte(tok))
	found := -1
	for i := range a.digests {
		if subtle.ConstantTimeCompare(d[:], a.digests[i][:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return Principal{}, false
	}
	return a.holders[found], true
}

type principalKey struct{}

// who identifies the caller: its principal, or the public role without a
// token. A token that matches no one is an error.
func (a *Auth) who(r *http.Request) (Principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return Principal{Role: accord.RolePublic}, nil
	}
	// RFC 7235: the scheme is case-insensitive, one or more spaces follow.
	scheme, tok, _ := strings.Cut(h, " ")
	tok = strings.TrimLeft(tok, " ")
	if !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return Principal{}, accord.Errorf(accord.EUNAUTHORIZED, `Authorization: want "Bearer TOKEN"`)
	}
	if p, ok := a.lookup(tok); ok {
		return p, nil
	}
	return Principal{}, accord.Errorf(accord.EUNAUTHORIZED, "unknown token")
}

// require lets a request through only when the caller's role may take the
// action; with no Auth everything passes.
func (a *Auth) require(action string, next http.Handler) http.Handler {
	if a == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := a.who(r)
		if err != nil {
			writeError(w, http.StatusUnauthorized, err)
			return
		}
		if !a.Policy.Allowed(p.Role, action, true) {
			code, c := http.StatusForbidden, accord.EFORBIDDEN
			if p.Role == accord.RolePublic {
				code, c = http.StatusUnauthorized, accord.EUNAUTHORIZED
			}
			writeError(w, code, accord.Errorf(c, "%s: the %s role may not %s", describe(p), p.Role, strings.ReplaceAll(action, "_", " ")))
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	})
}

// reads checks that a bad token is refused on every route, reads included.
func (a *Auth) reads(next http.Handler) http.Handler {
	if a == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := a.who(r); err != nil {
			writeError(w, http.StatusUnauthorized, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func describe(p Principal) string {
	if p.Actor == "" {
		return "an anonymous caller"
	}
	return p.Actor
}

// principal is the caller a handler runs for (the public when none).
func principal(r *http.Request) Principal {
	if p, ok := r.Context().Value(principalKey{}).(Principal); ok {
		return p
	}
	return Principal{Role: accord.RolePublic}
}
