package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// A PostgreSQL password given as the URL's password= (or sslpassword=)
// parameter, which pgx takes as the password, is hidden as a password in
// the URL's user part is: in config check's table, its JSON, and serve's
// errors.
func TestPasswordInStoreQueryNeverShown(t *testing.T) {
	const pw = "s3cretPW"
	for _, u := range []string{
		"postgres://u@127.0.0.1:1/db?sslmode=disable&connect_timeout=1&password=" + pw,
		"postgres://u@127.0.0.1:1/db?sslmode=bogus&password=" + pw,
		"postgres://u@127.0.0.1:1/db?sslmode=disable&sslpassword=" + pw,
	} {
		for _, args := range [][]string{
			{"config", "check", "--store", u},
			{"config", "check", "--store", u, "--json"},
			{"config", "check", "--store", u, "--connect"},
			{"serve", "--addr", "127.0.0.1:0", "--store", u},
		} {
			args = append(args, "--data", filepath.Join(t.TempDir(), "d"))
			out, errs, _ := runAccord(t, args...)
			if strings.Contains(out+errs, pw) {
				t.Errorf("%s: the password is shown:\n%s%s", strings.Join(args, " "), out, errs)
			}
		}
	}
}
