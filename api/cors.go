package api

import (
	"fmt"

	"github.com/accord-peace/accord"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// CORS lets pages from other origins (a dashboard served elsewhere) call the
// API from a browser. Origins lists the allowed origins, each
// scheme://host[:port] as a browser sends it, or "*" for any; without
// origins no cross-origin header is sent and browsers keep their
// same-origin rule.
//
// A request whose Origin is allowed is answered with
// Access-Control-Allow-Origin naming it; a preflight (OPTIONS with
// Access-Control-Request-Method) from an allowed origin is answered 204 with
// the methods and headers the API takes, before authorisation (a browser
// sends no token with it). A preflight from another origin is answered 403.
type CORS struct {
	Origins []string
}

// corsMethods and corsHeaders are what the API's routes take.
const (
	corsMethods = "GET, POST, OPTIONS"
	corsHeaders = "Authorization, Content-Type, Last-Event-ID, Accord-Author, Accord-Id, Accord-Signature"
	corsExpose  = "Content-Type, Retry-After, Link, X-Accord-Next"
	corsMaxAge  = "600"
)

// CheckOrigin says what is wrong with an allowed origin, or nil: an origin
// is "*" or scheme://host[:port], without path, query nor trailing slash.
func CheckOrigin(o string) error {
	if o == "*" {
		return nil
	}
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil || o != strings.ToLower(u.Scheme)+"://"+u.Host {
		return fmt.Errorf("origin %q: want * or http(s)://HOST[:PORT] as a browser sends it (no path nor trailing slash)", o)
	}
	return nil
}

func (c *CORS) allowed(origin string) bool {
	return origin != "" && (slices.Contains(c.Origins, "*") || slices.Contains(c.Origins, origin))
}

// wrap answers preflights and adds the CORS headers to next's answers.
func (c *CORS) wrap(next http.Handler) http.Handler {
	if c == nil || len(c.Origins) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		preflight := r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != ""
		h := w.Header()
		h.Add("Vary", "Origin")
		if !c.allowed(origin) {
			if preflight && origin != "" {
				writeError(w, http.StatusForbidden, accord.Errorf(accord.EFORBIDDEN, "origin %q may not call this server from a browser: it is not among the allowed origins (serve --cors-origin)", origin))
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if slices.Contains(c.Origins, "*") {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		if preflight {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			h.Set("Access-Control-Allow-Methods", corsMethods)
			h.Set("Access-Control-Allow-Headers", corsHeaders)
			h.Set("Access-Control-Max-Age", corsMaxAge)
			w.WriteHeader(http.StatusNoContent)
			return
		}
		h.Set("Access-Control-Expose-Headers", corsExpose)
		next.ServeHTTP(w, r)
	})
}
