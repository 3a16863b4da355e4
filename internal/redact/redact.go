// Package redact hides the secrets accord could print — the passwords in
// URLs, private note keys — in errors, logs, answers and its settings'
// table. It is the one place that does it, for every kind of URL accord
// is given (postgres://, nats://, the witness's http(s)://), and it hides
// a password in a URL that does not parse too: such a URL is the one an
// error names.
package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// Hidden is what a password is replaced with.
const Hidden = "xxxxx"

// URL is raw with its password, if any, replaced by Hidden. A URL that
// parses keeps everything else as url.URL writes it; one that does not
// is cut by hand: whatever lies between the first ':' after "://" and the
// last '@' is hidden, when the user part has a ':' (it may hide more
// than the password, never less).
//
// A password given as a query parameter (password=, sslpassword=: a
// PostgreSQL URL's, which pgx takes as the password) is hidden too.
func URL(raw string) string {
	if !strings.Contains(raw, "://") {
		return raw
	}
	return queryPassword.ReplaceAllString(userPassword(raw), "${1}"+Hidden)
}

// queryPassword is a password given as a URL's query parameter.
var queryPassword = regexp.MustCompile(`(?i)([?&](?:ssl)?password=)[^&#]*`)

// userPassword is raw with the password of its user part hidden, and a
// NATS URL's token (nats://TOKEN@HOST, a user without a password, which
// nats.go sends as the auth token).
func userPassword(raw string) string {
	token := strings.HasPrefix(strings.ToLower(raw), "nats://") || strings.HasPrefix(strings.ToLower(raw), "tls://")
	if u, err := url.Parse(raw); err == nil {
		if u.User == nil {
			return raw
		}
		if _, ok := u.User.Password(); !ok {
			if token && u.User.Username() != "" {
				u.User = url.User(Hidden)
				return u.String()
			}
			return raw
		}
		u.User = url.UserPassword(u.User.Username(), Hidden)
		return u.String()
	}
	i := strings.Index(raw, "://")
	if i < 0 {
		return raw
	}
	rest := raw[i+3:]
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return raw
	}
	c := strings.Index(rest[:at], ":")
	if c < 0 {
		if token && at > 0 {
			return raw[:i+3] + Hidden + rest[at:]
		}
		return raw
	}
	return raw[:i+3] + rest[:c+1] + Hidden + rest[at:]
}

// URLs is URL for each of a comma-separated list (a NATS cluster's
// servers).
func URLs(list string) string {
	parts := strings.Split(list, ",")
	for i, p := range parts {
		t := strings.TrimSpace(p)
		if r := URL(t); r != t {
			parts[i] = strings.Replace(p, t, r, 1)
		}
	}
	return strings.Join(parts, ",")
}

// Value is a setting's value as accord lists it: each of its
// comma-separated parts with a URL's password hidden (URL), and a private
// note key (PRIVATE+KEY+NAME+HASH+KEY, alone or after NAME=) cut to its
// name.
func Value(v string) string {
	parts := strings.Split(URLs(v), ",")
	for i, p := range parts {
		pre, key, ok := strings.Cut(p, "=")
		if !ok {
			pre, key = "", p
		} else {
			pre += "="
		}
		if t := strings.TrimSpace(key); IsPrivateKey(t) {
			name, _, _ := strings.Cut(strings.TrimPrefix(t, privatePrefix), "+")
			parts[i] = pre + privatePrefix + name + "+" + Hidden
		}
	}
	return strings.Join(parts, ",")
}

// privatePrefix begins a private note key (golang.org/x/mod/sumdb/note).
const privatePrefix = "PRIVATE+KEY+"

// IsPrivateKey tells whether s is a private note key, which must never be
// echoed (Value shows its name alone).
func IsPrivateKey(s string) bool { return strings.HasPrefix(s, privatePrefix) }
