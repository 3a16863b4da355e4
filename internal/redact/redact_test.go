package redact

import (
	"strings"
	"testing"
)

func TestURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"postgres://u:s3cret@h:5432/db?sslmode=disable", "postgres://u:xxxxx@h:5432/db?sslmode=disable"},
		{"postgres://u@h/db", "postgres://u@h/db"},
		{"postgres://h/db", "postgres://h/db"},
		{"sqlite", "sqlite"},
		{"", ""},
		// URLs that do not parse: the ones errors name.
		{"postgres://u:s3cret@h:notaport/db", "postgres://u:xxxxx@h:notaport/db"},
		{"postgres://u:s3cret@h%zz/db", "postgres://u:xxxxx@h%zz/db"},
		{"nats://u:s3cret@h:notaport", "nats://u:xxxxx@h:notaport"},
		{"http://u:s3cret@[::1/", "http://u:xxxxx@[::1/"},
		{"postgres://u:pa/ss%zz@h/db", "postgres://u:xxxxx@h/db"},
		{"postgres://u:p@ss@h:x/db", "postgres://u:xxxxx@h:x/db"},
		{"nats://h:x%zz", "nats://h:x%zz"},
		// A NATS token: the user of a NATS URL without a password.
		{"nats://s3cret@h:4222", "nats://xxxxx@h:4222"},
		{"tls://s3cret@h:4222", "tls://xxxxx@h:4222"},
		{"nats://s3cret@h:x%zz", "nats://xxxxx@h:x%zz"},
		{"http://user@h/", "http://user@h/"},
		// A password given as a query parameter, which pgx takes.
		{"postgres://u@h/db?sslmode=disable&password=s3cret", "postgres://u@h/db?sslmode=disable&password=xxxxx"},
		{"postgres://u@h/db?PASSWORD=s3cret&sslmode=disable", "postgres://u@h/db?PASSWORD=xxxxx&sslmode=disable"},
		{"postgres://u:s3cret@h/db?sslpassword=s3cret", "postgres://u:xxxxx@h/db?sslpassword=xxxxx"},
		{"postgres://u@h:x/db?password=s3cret", "postgres://u@h:x/db?password=xxxxx"},
	} {
		got := URL(c.in)
		if got != c.want {
			t.Errorf("URL(%q) = %q, want %q", c.in, got, c.want)
		}
		if strings.Contains(got, "s3cret") || strings.Contains(got, "pa/ss") || strings.Contains(got, "p@ss") {
			t.Errorf("URL(%q) = %q shows the password", c.in, got)
		}
	}
}

func TestURLs(t *testing.T) {
	got := URLs("nats://a:s3cret@h1:4222, nats://h2:4222,nats://b:s3cret@h3:x")
	want := "nats://a:xxxxx@h1:4222, nats://h2:4222,nats://b:xxxxx@h3:x"
	if got != want {
		t.Errorf("URLs = %q, want %q", got, want)
	}
}

// Whatever follows "postgres://user:PASSWORD@", the password never comes
// out.
func FuzzURL(f *testing.F) {
	for _, s := range []string{"postgres://u:pw@h/db", "nats://u:pw@h:x", "http://u:pw@[::1/", "x://:pw@"} {
		f.Add(s, "SECRETPW")
	}
	f.Fuzz(func(t *testing.T, shape, pw string) {
		// A password of four letters or more, so that it cannot come out
		// of anything else (an escape the URL's writer adds).
		if len(pw) < 4 || strings.Trim(pw, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" ||
			strings.Contains(shape, pw) || strings.Contains("postgres://user:"+Hidden, pw) {
			return
		}
		raw := "postgres://user:" + pw + "@" + shape
		if got := URL(raw); strings.Contains(got, pw) {
			t.Fatalf("URL(%q) = %q shows the password", raw, got)
		}
	})
}

func TestValue(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"PRIVATE+KEY+w+ceea88fc+Aav2rQnVjlGewqgw", "PRIVATE+KEY+w+xxxxx"},
		{"w=PRIVATE+KEY+w+ceea88fc+Aav2rQnVjlGewqgw,v+1234+AbCd", "w=PRIVATE+KEY+w+xxxxx,v+1234+AbCd"},
		{"nats://u:pw@h:1,nats://h:2", "nats://u:xxxxx@h:1,nats://h:2"},
		{"127.0.0.1:8080", "127.0.0.1:8080"},
		{"a=b", "a=b"},
	} {
		if got := Value(c.in); got != c.want {
			t.Errorf("Value(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
