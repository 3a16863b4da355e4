package main

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/internal/redact"
	"github.com/accord-peace/accord/ledger"
)

// exchangeFlags are what every exchange command needs: the server and the
// caller's token.
type exchangeFlags struct {
	server, token string
	json          bool
	timeout       clientTimeout
}

func (f *exchangeFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.server, "server", "http://127.0.0.1:8080", serverFlagUsage)
	c.Flags().StringVar(&f.token, "token", "", "the bearer token, when the server checks tokens (default $ACCORD_TOKEN)")
	f.timeout.register(c)
	c.Flags().BoolVar(&f.json, "json", false, "print the server's answer as JSON")
}

func (f *exchangeFlags) client() *talksClient {
	return &talksClient{server: f.server, token: firstOf(f.token, os.Getenv("ACCORD_TOKEN")), timeout: &f.timeout}
}

func newExchangeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exchange",
		Short: "Record a prisoner exchange, list the exchanges, open a list of names",
		Long: `exchange talks to a mission server about the prisoner exchanges of an
agreement with a verifier (the ICRC's role; docs/agreement.md, "Prisoner
exchanges"). The verifier records each exchange with the lists of the persons
each side released: the lists are sealed on this machine (a random salt each)
and only their SHA-256 commitments, the counts and the verifier's signature go
on the public record; the lists themselves are kept for the two parties and
the verifiers (docs/server.md, "Prisoner exchanges").

  record  the verifier records an exchange with its lists (signed with --key)
  list    the public exchanges: counts, verifiers, commitments, totals, quota periods
  open    a party or a verifier reads a list, checked against its commitment

` + serverExits,
	}
	cmd.AddCommand(newExchangeRecordCmd(), newExchangeListCmd(), newExchangeOpenCmd())
	return cmd
}

func newExchangeRecordCmd() *cobra.Command {
	var f exchangeFlags
	var agreementID, id, author, keyFile string
	var lists []string
	cmd := &cobra.Command{
		Use:   "record --id ID --list PARTY=FILE.json [--list PARTY=FILE.json] [--agreement AGREEMENT] [--key KEY --author VERIFIER]",
		Short: "The verifier records a prisoner exchange with the sealed lists of the persons released",
		Long: `record seals each releasing party's list of the persons it released — a JSON
array, one value per person, whatever the verifier records of each — and sends
the exchange to the server (POST /v1/exchanges): the counts are the lists'
lengths, the record keeps the counts and one SHA-256 commitment per list, the
server keeps the lists for the two parties and the verifiers.

With --key the exchange is an "exchange" submission signed by --author, the
verifier: the server checks the signature, the lists against the commitments
and the counts, and records it, or records its refusal (exit 1, saying why).
Without --key it is sent unsigned, which only a record that registers no
authors' keys takes (with tokens the verifier is the caller; without, --author).

--list PARTY=FILE: PARTY is the party that released the persons listed in
FILE. --agreement is the agreement the exchange carries out (its id on the
record, or an embedded name such as prisoner-exchange); left out, the one
whose verifiers include the author.`,
		Example: `  accord exchange record --server http://127.0.0.1:8080 --agreement prisoner-exchange --id x1 \
      --list ru=released-by-ru.json --list ua=released-by-ua.json \
      --key icrc.key --author icrc --token $ICRC_TOKEN`,
		Args: exactArgs(0, "no argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if id == "" {
				return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--id is required: the exchange's id (x1, 2025-05-23)")}
			}
			if len(lists) == 0 {
				return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--list PARTY=FILE.json is required: one for each party that released someone")}
			}
			if keyFile != "" && author == "" {
				return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--key needs --author: the verifier whose key it is")}
			}
			persons, err := readExchangeLists(lists)
			if err != nil {
				return err
			}
			body, sealed, err := accord.SealExchangeLists(id, persons)
			if err != nil {
				return accord.Errorf(accord.EINVALID, "%v", err)
			}
			body.Agreement = exchangeAgreementID(agreementID)
			req := api.ExchangeRequest{Lists: sealed}
			if keyFile != "" {
				key, err := readAuthorKey(keyFile)
				if err != nil {
					return err
				}
				b := make([]byte, 6)
				rand.Read(b)
				sub, err := ledger.Sign(key, author, "exchange-"+id+"-"+hex.EncodeToString(b), accord.SubmissionExchange, body)
				if err != nil {
					return err
				}
				req.Submission = &sub
			} else {
				req.Exchange, req.Verifier = &body, author
			}
			var res api.ExchangeResult
			raw, err := f.client().call(cmd.Context(), "POST", "/v1/exchanges", req, &res)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if f.json {
				_, err = w.Write(raw)
				return err
			}
			x := res.Exchange
			fmt.Fprintf(w, "exchange %s recorded", x.ID)
			if res.LastEntry != nil {
				fmt.Fprintf(w, " (ledger entry %d)", *res.LastEntry)
			}
			fmt.Fprintf(w, ", attested by %s at %s\n", strings.Join(x.Verifiers, ", "), x.At.UTC().Format("2006-01-02T15:04:05Z"))
			for _, p := range sortedParties(x.Counts) {
				fmt.Fprintf(w, "  %s released %d", p, x.Counts[p])
				if c := x.Lists[p]; c != "" {
					fmt.Fprintf(w, "; its list's commitment %s", c)
				}
				fmt.Fprintln(w)
			}
			for _, d := range res.Derived {
				fmt.Fprintf(w, "  %s\n", d.What)
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&agreementID, "agreement", "", "the agreement the exchange carries out: its id, or an embedded name (prisoner-exchange); default: the one whose verifiers include the author")
	cmd.Flags().StringVar(&id, "id", "", "the exchange's id, unique in the agreement (required)")
	cmd.Flags().StringArrayVar(&lists, "list", nil, "PARTY=FILE.json: the persons PARTY released, a JSON array (one value per person); repeat for each releasing party")
	cmd.Flags().StringVar(&keyFile, "key", "", "the verifier's private key ('accord ledger keygen --author'): sign the exchange; without it, sent unsigned")
	cmd.Flags().StringVar(&author, "author", "", "the verifier who attests the exchange: the signer with --key, the verifier named without tokens")
	return cmd
}

// readExchangeLists reads --list PARTY=FILE values: each file a JSON array,
// one value per person released by PARTY.
func readExchangeLists(specs []string) (map[string][]json.RawMessage, error) {
	out := map[string][]json.RawMessage{}
	for _, spec := range specs {
		party, file, ok := strings.Cut(spec, "=")
		if !ok || party == "" || file == "" {
			return nil, usageError{err: fmt.Errorf("--list %q: want PARTY=FILE.json (ru=released-by-ru.json)", spec)}
		}
		if _, dup := out[party]; dup {
			return nil, usageError{err: fmt.Errorf("--list %s: given twice; one list per releasing party", party)}
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, &accord.Error{Code: accord.ENOTFOUND, Message: "--list " + party, Err: err}
		}
		var persons []json.RawMessage
		if err := json.Unmarshal(b, &persons); err != nil {
			return nil, accord.Errorf(accord.EINVALID, "--list %s: %s is not a JSON array of persons (one value per person released): %v", party, file, err)
		}
		if persons == nil {
			persons = []json.RawMessage{}
		}
		out[party] = persons
	}
	return out, nil
}

// exchangeAgreementID is the id of an agreement named by its embedded name
// (prisoner-exchange), else the name as given.
func exchangeAgreementID(name string) string {
	if _, ok := embedded[name]; ok && name != "reference" {
		if as, err := loadAgreements([]string{name}); err == nil {
			return as[0].ID
		}
	}
	return name
}

func sortedParties(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for p := range m {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func newExchangeListCmd() *cobra.Command {
	var f exchangeFlags
	cmd := &cobra.Command{
		Use:   "list",
		Short: "The public exchanges: counts, verifiers, commitments, totals, quota periods",
		Long: `list prints what the public record says of the prisoner exchanges of every
agreement that takes them (GET /v1/exchanges): each exchange with the persons
each party released, its verifier and the commitments to its lists; the
totals by releasing party; the quota periods assessed, met or short. No name:
the lists are read with 'accord exchange open' by a party or a verifier.`,
		Example: `  accord exchange list --server http://127.0.0.1:8080
  accord exchange list --server http://127.0.0.1:8080 --json`,
		Args: exactArgs(0, "no argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var v api.ExchangesView
			raw, err := f.client().call(cmd.Context(), "GET", "/v1/exchanges", nil, &v)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if f.json {
				_, err = w.Write(raw)
				return err
			}
			writeExchanges(w, v)
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

// writeExchanges prints the public exchanges as text.
func writeExchanges(w io.Writer, v api.ExchangesView) {
	if len(v.Agreements) == 0 {
		fmt.Fprintln(w, "no agreement on this record takes exchanges (none has a verifier)")
		return
	}
	for i, a := range v.Agreements {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s (parties %s; verifiers %s): %d exchange(s)\n", a.Agreement, strings.Join(a.Parties, ", "), strings.Join(a.Verifiers, ", "), len(a.Exchanges))
		if len(a.Exchanged) > 0 {
			var tot []string
			for _, p := range sortedParties(a.Exchanged) {
				tot = append(tot, fmt.Sprintf("%s %d", p, a.Exchanged[p]))
			}
			fmt.Fprintf(w, "  released in all: %s\n", strings.Join(tot, ", "))
		}
		for _, x := range a.Exchanges {
			var counts []string
			for _, p := range sortedParties(x.Counts) {
				counts = append(counts, fmt.Sprintf("%s released %d", p, x.Counts[p]))
			}
			fmt.Fprintf(w, "  %s  %s  %s; attested by %s\n", x.ID, x.At.UTC().Format("2006-01-02T15:04:05Z"), strings.Join(counts, ", "), strings.Join(x.Verifiers, ", "))
			for _, p := range sortedKeysOf(x.Lists) {
				fmt.Fprintf(w, "    list of %s: %s\n", p, x.Lists[p])
			}
		}
		for _, q := range a.Quotas {
			fmt.Fprintf(w, "  quota %s: %d period(s) assessed\n", q.Provision, q.Assessed)
			for _, p := range q.Periods {
				met := "met"
				if !p.Met {
					met = "short"
				}
				fmt.Fprintf(w, "    %s to %s  %s released %d of %d: %s\n", p.Start.UTC().Format("2006-01-02"), p.End.UTC().Format("2006-01-02"), p.Party, p.Released, p.Min, met)
			}
		}
	}
}

func sortedKeysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// OpenedList is what 'accord exchange open --json' prints: a list of an
// exchange, checked against its commitment on the public record.
type OpenedList struct {
	Agreement  string            `json:"agreement"`
	Exchange   string            `json:"exchange"`
	Party      string            `json:"party"`
	Commitment string            `json:"commitment"`
	Persons    []json.RawMessage `json:"persons"`
}

func newExchangeOpenCmd() *cobra.Command {
	var f exchangeFlags
	var reader string
	cmd := &cobra.Command{
		Use:   "open SHA256",
		Short: "A party or a verifier reads a list of an exchange, checked against its commitment",
		Long: `open fetches a sealed list of names (GET /v1/exchanges/lists/SHA256) for a
party or a verifier of the exchange's agreement — the token says who — and
checks it before printing anything: the salt and the content hash to the
commitment asked for, the commitment is on the public record (GET
/v1/exchanges) for the exchange the list is sealed for, and the list names
as many persons as the count recorded. It prints the persons, one JSON value
a line (--json: the list with its exchange, agreement and party). Anything
that does not check is an error, and nothing is printed.

SHA256 is a commitment as 'accord exchange list' shows it. A server without
tokens trusts the name --reader gives.`,
		Example: `  accord exchange open --server http://127.0.0.1:8080 --token $UA_TOKEN 3f5a…e1
  accord exchange open --server http://127.0.0.1:8080 --token $ICRC_TOKEN 3f5a…e1 --json`,
		Args: exactArgs(1, "one SHA256 commitment"),
		RunE: func(cmd *cobra.Command, args []string) error {
			sha := args[0]
			c := f.client()
			path := "/v1/exchanges/lists/" + url.PathEscape(sha)
			if reader != "" {
				path += "?reader=" + url.QueryEscape(reader)
			}
			var x accord.Sealed
			if _, err := c.call(cmd.Context(), "GET", path, nil, &x); err != nil {
				return err
			}
			if x.SHA256 != sha {
				return accord.Errorf(accord.EINVALID, "%s answered the list %s for %s", redact.URL(f.server), x.SHA256, sha)
			}
			if err := x.Check(); err != nil {
				return accord.Errorf(accord.EINVALID, "the list %s does not open its commitment: %v", sha, err)
			}
			id, ok := accord.ExchangeOf(x.Seal)
			if !ok {
				return accord.Errorf(accord.EINVALID, "%s is sealed for %q, not for an exchange", sha, x.Consultation)
			}
			var v api.ExchangesView
			if _, err := c.call(cmd.Context(), "GET", "/v1/exchanges", nil, &v); err != nil {
				return err
			}
			out := OpenedList{Exchange: id, Commitment: sha}
			count := -1
			for _, a := range v.Agreements {
				for _, e := range a.Exchanges {
					if e.ID != id {
						continue
					}
					for p, h := range e.Lists {
						if h == sha {
							out.Agreement, out.Party, count = a.Agreement, p, e.Counts[p]
						}
					}
				}
			}
			if count < 0 {
				return accord.Errorf(accord.EINVALID, "the list %s is sealed for exchange %s, but the public record holds no such commitment for it", sha, id)
			}
			if err := json.Unmarshal(x.Content, &out.Persons); err != nil {
				return accord.Errorf(accord.EINVALID, "the list %s is not a JSON array of persons: %v", sha, err)
			}
			if len(out.Persons) != count {
				return accord.Errorf(accord.EINVALID, "the list %s names %d persons; the record counts %d released by %s in exchange %s", sha, len(out.Persons), count, out.Party, id)
			}
			w := cmd.OutOrStdout()
			if f.json {
				return json.NewEncoder(w).Encode(out)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "exchange %s of %s: the %d persons %s released; the list opens its commitment %s\n", id, out.Agreement, count, out.Party, sha)
			for _, p := range out.Persons {
				fmt.Fprintf(w, "%s\n", p)
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&reader, "reader", "", "who reads, on a server without tokens (a party or a verifier of the exchange's agreement); with tokens, the caller")
	return cmd
}
