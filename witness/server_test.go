package witness

import (
	"strings"
	"testing"

	"github.com/accord-peace/accord"
)

// A server's URL that could never answer is refused at once, with the
// URL's password hidden; the ones an operator means are taken.
func TestCheckServer(t *testing.T) {
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080", true},
		{"https://mission.example.org", true},
		{"https://mission.example.org/accord", true},
		{"http://u:s3cret@127.0.0.1:8080", true},
		{"", false},
		{"127.0.0.1:8080", false},
		{"mission.example.org", false},
		{"ftp://u:s3cret@x", false},
		{"http://", false},
		{"http://u:s3cret@%zz", false},
		{"http://h/v1", false},
		{"http://h/accord/v1/", false},
		{"http://h/?a=b", false},
		{"http://h/#x", false},
		{"http://h:99999", false},
		{"http://h:0", false},
		{"http://[::1]:65535", true},
	} {
		err := CheckServer(c.url)
		if (err == nil) != c.ok {
			t.Errorf("CheckServer(%q) = %v, want ok %v", c.url, err, c.ok)
		}
		if err != nil && (accord.ErrorCode(err) != accord.EINVALID || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "http(s)://HOST")) {
			t.Errorf("CheckServer(%q): %v: want EINVALID, saying what is wanted, without the password", c.url, err)
		}
	}
}
