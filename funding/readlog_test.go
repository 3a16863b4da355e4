package funding_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/funding"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/reconstruction"
)

type holding struct{}

func (holding) Holds(string) (bool, error) { return true, nil }
func (holding) Snapback() bool             { return false }
func (holding) Seq() int                   { return 4 }
func (holding) Guarantor(string) bool      { return true }

// writeRegistry records a fund, a project, a commitment, a refused
// commitment and a disbursement in a ledger file, as the server does, and
// returns its path and the byte offset of each entry's frame.
func writeRegistry(t *testing.T) (string, []int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ledger")
	l, err := ledger.OpenLedger(path, &ledger.Registry{})
	if err != nil {
		t.Fatal(err)
	}
	clock := time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)
	f, err := funding.Open(t.Context(), funding.Config{Ledger: l, Now: func() time.Time { return clock },
		Agreement: func() (reconstruction.Agreement, error) { return holding{}, nil }})
	if err != nil {
		t.Fatal(err)
	}
	eur := func(n int64) reconstruction.Money { return reconstruction.Money{Amount: n * 100, Currency: "EUR"} }
	steps := []func() error{
		func() error {
			_, err := f.RegisterFund(funding.By("eu"), reconstruction.Fund{ID: "eu-era", Source: reconstruction.Loan, Amount: eur(1000)})
			return err
		},
		func() error {
			_, err := f.RegisterProject(funding.By("un"), reconstruction.Project{ID: "grid", Sector: "energy", Oblast: "kharkivska", Cost: eur(800), Implementer: "ukrenergo"})
			return err
		},
		func() error {
			_, err := f.Commit(funding.By("eu"), reconstruction.Commitment{ID: "c1", Fund: "eu-era", Project: "grid", Amount: eur(500)})
			return err
		},
		func() error {
			if _, err := f.Commit(funding.By("eu"), reconstruction.Commitment{ID: "c2", Fund: "eu-era", Project: "grid", Amount: eur(900)}); err == nil {
				t.Fatal("over the balance: no refusal")
			}
			return nil
		},
		func() error {
			_, err := f.Disburse(funding.By("eu"), reconstruction.Disbursement{ID: "d1", Commitment: "c1", Amount: eur(100)})
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil { // saves the tree beside the file
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var offs []int
	for off := 0; off+4 <= len(data); off += 4 + int(binary.BigEndian.Uint32(data[off:])) {
		offs = append(offs, off)
	}
	return path, offs
}

// A registry read from a ledger file is the whole registry or nothing:
// a record that does not verify — an entry changed, dropped or cut off,
// a frame damaged — is refused with an error of code EINVALID that names
// the file, the entry and what is wrong; what verifies is never shown as
// if it were all. A torn tail (a write never acknowledged) is not part of
// the record.
func TestReadLogFileRefusesWhatDoesNotVerify(t *testing.T) {
	path, offs := writeRegistry(t)
	orig, _ := os.ReadFile(path)
	want, err := funding.ReadLogFile(path)
	if err != nil || len(want) != 5 {
		t.Fatalf("the record as written: %d events, %v; want 5", len(want), err)
	}
	last := len(offs) - 1
	at := func(k int) string { return "entry " + strconv.Itoa(k) + " (byte " + strconv.Itoa(offs[k]) }
	// commitment is the entry of the commitment c1; amount changes its
	// amount, its frame the same length.
	commitment := -1
	for k := range last {
		if e := orig[offs[k]:offs[k+1]]; bytes.Contains(e, []byte(`"reconstruction_commitment"`)) && bytes.Contains(e, []byte(`"amount":50000`)) {
			commitment = k
		}
	}
	if commitment < 0 || commitment == last {
		t.Fatalf("no commitment entry before the last one among %d", len(offs))
	}
	amount := func(d []byte) []byte {
		i := bytes.Index(d[offs[commitment]:], []byte(`"amount":50000`)) + offs[commitment]
		copy(d[i:], `"amount":90000`)
		return d
	}
	cases := []struct {
		name   string
		change func(d []byte) []byte
		noTree bool   // the tree saved beside the file is removed
		want   string // "" when it verifies
	}{
		{"as written", func(d []byte) []byte { return d }, false, ""},
		{"a torn tail", func(d []byte) []byte { return append(d, 0, 0) }, false, ""},
		{"an amount changed", amount, false, at(commitment+1) + "): its prev hash does not match entry " + strconv.Itoa(commitment)},
		{"an amount changed, no saved tree", amount, true, at(commitment+1) + "): its prev hash does not match entry " + strconv.Itoa(commitment)},
		{"an entry dropped", func(d []byte) []byte {
			return append(d[:offs[commitment]:offs[commitment]], d[offs[commitment+1]:]...)
		}, true, at(commitment) + "): sequence number " + strconv.Itoa(commitment+1) + ", want " + strconv.Itoa(commitment)},
		{"the last entry changed", func(d []byte) []byte {
			i := bytes.LastIndex(d, []byte(`"amount":10000`))
			copy(d[i:], `"amount":20000`)
			return d
		}, false, "entry " + strconv.Itoa(last) + ": the tree of the first " + strconv.Itoa(len(offs)) + " entries does not match the checkpoint"},
		{"the last entry cut off (a rollback)", func(d []byte) []byte { return d[:offs[last]] }, false,
			"missing: the checkpoint covers " + strconv.Itoa(len(offs)) + " entries and the log ends after " + strconv.Itoa(last)},
		{"a frame's length damaged", func(d []byte) []byte {
			binary.BigEndian.PutUint32(d[offs[1]:], 7)
			return d
		}, true, at(1) + "): "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "ledger")
			if err := os.WriteFile(p, c.change(bytes.Clone(orig)), 0o644); err != nil {
				t.Fatal(err)
			}
			if !c.noTree {
				tree, err := os.ReadFile(path + ".tree")
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(p+".tree", tree, 0o644)
			}
			got, err := funding.ReadLogFile(p)
			if c.want == "" {
				if err != nil || len(got) != len(want) {
					t.Fatalf("%d events, %v; want %d", len(got), err, len(want))
				}
				return
			}
			if err == nil || got != nil {
				t.Fatalf("read %d events, no error; want %q", len(got), c.want)
			}
			msg := err.Error()
			t.Log(msg)
			if accord.ErrorCode(err) != accord.EINVALID || !strings.HasPrefix(msg, p) || !strings.Contains(msg, ": the log does not verify") || !strings.Contains(msg, c.want) {
				t.Errorf("error (%s) %q; want %s naming %s and %q", accord.ErrorCode(err), msg, accord.EINVALID, p, c.want)
			}
		})
	}
}
