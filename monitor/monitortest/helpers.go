package monitortest

import (
	"bytes"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/accord-peace/accord/monitor"
)

// PostLines posts NDJSON observation lines to a server's
// /v1/observations in batches of n, failing the test on any answer but
// 200.
func PostLines(tb testing.TB, url string, lines [][]byte, n int) {
	tb.Helper()
	for i := 0; i < len(lines); i += n {
		body := append(bytes.Join(lines[i:min(i+n, len(lines))], []byte("\n")), '\n')
		resp, err := http.Post(url+"/v1/observations", "application/x-ndjson", bytes.NewReader(body))
		if err != nil {
			tb.Fatal(err)
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			tb.Fatalf("batch at line %d: %s %s", i, resp.Status, msg)
		}
	}
}

// MemberSet names the set of an incident's observations: their keys
// sorted, "source/id " each, so that two runs' incidents can be matched
// by their members whatever their ids.
func MemberSet(keys []monitor.Key) string {
	ks := slices.Clone(keys)
	slices.SortFunc(ks, func(a, b monitor.Key) int {
		if a.Source != b.Source {
			return strings.Compare(a.Source, b.Source)
		}
		return strings.Compare(a.ID, b.ID)
	})
	var sb strings.Builder
	for _, k := range ks {
		sb.WriteString(k.Source + "/" + k.ID + " ")
	}
	return sb.String()
}
