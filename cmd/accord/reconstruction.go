package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/api"
	"github.com/accord-peace/accord/funding"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/reconstruction"
)

func newReconstructionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "reconstruction",
		Short: "Follow reconstruction money on a server: funds, projects, commitments, disbursements",
		Long: `reconstruction calls a server's reconstruction registry ('accord serve
--tokens TOKENS.json'). Every fund, project, commitment and disbursement, and
every refusal, is an entry of the server's record. A disbursement is decided
on the agreement's state now: refused, and the refusal recorded, while
snapback is in force or while its commitment's condition does not hold.

Who calls is what the token says (--token, default $ACCORD_TOKEN): a party
or a guarantor registers its own funds and commits and disburses its own
money only; a mediator registers projects; a guarantor of the agreement
confirms the disbursements of commitments that name it (--confirm-by);
anyone reads the totals and the exports. Amounts are decimals in the
currency's major units (1250.50 EUR).

When the agreement registers authors' keys, every fund, commitment,
disbursement and confirmation must be signed by its author: --author (the
token's actor) and --key (its private key, 'accord ledger keygen --author').

  fund      register a fund of one's own money
  project   register or update a project (a mediator)
  commit    commit money of one's fund to a project, under a condition
  disburse  pay out money of a commitment, if the agreement allows
  confirm   confirm, as a guarantor, a disbursement of a commitment
  totals    committed and disbursed money by fund, oblast and sector
  export    the registry as OCDS (JSON) or IATI (XML)

` + serverExits,
		Example: "  accord reconstruction fund eu-era --source loan --amount 1000000 --currency EUR --token $EU\n" +
			"  accord reconstruction project kharkiv-grid --sector energy --oblast kharkivska --cost 500000 --currency EUR --implementer ukrenergo --token $MEDIATOR\n" +
			"  accord reconstruction commit c1 --fund eu-era --project kharkiv-grid --amount 100000 --currency EUR --condition 'phase(permanent) == open' --token $EU\n" +
			"  accord reconstruction disburse d1 --commitment c1 --amount 10000 --currency EUR --token $EU\n" +
			"  accord reconstruction confirm k1 --commitment c1 --disbursement d1 --amount 10000 --currency EUR --token $US --author us --key us.key\n" +
			"  accord reconstruction totals\n" +
			"  accord reconstruction export --format ocds -o ocds.json",
	}
	cmd.AddCommand(newReconstructionFundCmd(), newReconstructionProjectCmd(), newReconstructionCommitCmd(),
		newReconstructionDisburseCmd(), newReconstructionConfirmCmd(), newReconstructionTotalsCmd(), newReconstructionExportCmd())
	return cmd
}

// recFlags are what every 'accord reconstruction' command needs.
type recFlags struct {
	negotiationFlags
	amount, currency string
	// Signing: the author, its key file and the submission's id.
	author, keyFile, subID string
}

func (f *recFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.server, "server", "http://127.0.0.1:8080", serverFlagUsage)
	c.Flags().StringVar(&f.token, "token", "", "the bearer token: the funder's own, or a mediator's for projects (default $ACCORD_TOKEN)")
	f.timeout.register(c)
	registerFormat(c, &f.format, &f.json, "print the server's answer as JSON (--output-format json)")
}

// signing adds the flags that sign a write.
func (f *recFlags) signing(c *cobra.Command) {
	c.Flags().StringVar(&f.author, "author", "", "sign as this author (the token's actor); needed when the agreement registers keys")
	c.Flags().StringVar(&f.keyFile, "key", "", "the author's private key: a file whose first line is the base64 ed25519 key 'accord ledger keygen --author' prints")
	c.Flags().StringVar(&f.subID, "submission-id", "", "the signed submission's id, unique for the author (default: generated)")
}

func (f *recFlags) money(c *cobra.Command, name string) {
	c.Flags().StringVar(&f.amount, name, "", "the amount in major units, a decimal (1250.50)")
	c.Flags().StringVar(&f.currency, "currency", "", "the ISO 4217 currency code (EUR, USD, UAH, ...)")
}

func (f *recFlags) parseMoney(name string) (reconstruction.Money, error) {
	m, err := reconstruction.ParseMoney(f.amount, f.currency)
	if err != nil {
		return m, accord.Errorf(accord.EINVALID, "--%s/--currency: %v", name, err)
	}
	return m, nil
}

// post sends a registry event, signed when --key is given, and prints
// what was recorded.
func (f *recFlags) post(cmd *cobra.Command, route, typ string, body any) error {
	var res funding.Result
	cl := f.client()
	if f.author != "" || f.keyFile != "" {
		if f.author == "" || f.keyFile == "" {
			return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--author and --key go together")}
		}
		key, err := readAuthorKey(f.keyFile)
		if err != nil {
			return err
		}
		id := f.subID
		if id == "" {
			b := make([]byte, 8)
			rand.Read(b)
			id = typ + "-" + hex.EncodeToString(b)
		}
		sub, err := ledger.Sign(key, f.author, id, typ, body)
		if err != nil {
			return err
		}
		cl.header = http.Header{api.HeaderAuthor: {f.author}, api.HeaderID: {id}, api.HeaderSignature: {sub.Sig}}
	}
	raw, err := cl.call(cmd.Context(), http.MethodPost, "/v1/reconstruction/"+route, body, &res)
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	if f.json {
		_, err = w.Write(raw)
		return err
	}
	fmt.Fprintf(w, "recorded: %s %s (registry event %d, record entry %d)\n", res.Event.Type, res.Event.Subject(), res.Event.Seq, res.Entry)
	return nil
}

func newReconstructionFundCmd() *cobra.Command {
	var f recFlags
	var fund reconstruction.Fund
	cmd := &cobra.Command{
		Use:   "fund ID",
		Short: "Register a fund of one's own money (a party's or a guarantor's token)",
		Args:  exactArgs(1, "one fund ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.parseMoney("amount")
			if err != nil {
				return err
			}
			fund.ID, fund.Amount = args[0], m
			return f.post(cmd, "funds", funding.SubmissionFund, fund)
		},
	}
	f.register(cmd)
	f.signing(cmd)
	f.money(cmd, "amount")
	cmd.Flags().StringVar(&fund.Source, "source", "", "where the money comes from: frozen-assets, pledge or loan")
	cmd.Flags().StringVar(&fund.Owner, "owner", "", "who owns it: the token's actor (default)")
	return cmd
}

func newReconstructionProjectCmd() *cobra.Command {
	var f recFlags
	var p reconstruction.Project
	cmd := &cobra.Command{
		Use:   "project ID",
		Short: "Register or update a reconstruction project (a mediator's token)",
		Args:  exactArgs(1, "one project ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.parseMoney("cost")
			if err != nil {
				return err
			}
			p.ID, p.Cost = args[0], m
			return f.post(cmd, "projects", funding.SubmissionProject, p)
		},
	}
	f.register(cmd)
	f.signing(cmd)
	f.money(cmd, "cost")
	cmd.Flags().StringVar(&p.Title, "title", "", "the project's title")
	cmd.Flags().StringVar(&p.Sector, "sector", "", "the sector (energy, transport, housing, ...)")
	cmd.Flags().StringVar(&p.Oblast, "oblast", "", "the oblast it is in")
	cmd.Flags().StringVar(&p.Implementer, "implementer", "", "who carries it out")
	cmd.Flags().StringVar(&p.Status, "status", reconstruction.Planned, "planned, active, complete or cancelled")
	return cmd
}

func newReconstructionCommitCmd() *cobra.Command {
	var f recFlags
	var c reconstruction.Commitment
	cmd := &cobra.Command{
		Use:   "commit ID",
		Short: "Commit money of one's own fund to a project, released under a condition of the agreement",
		Args:  exactArgs(1, "one commitment ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.parseMoney("amount")
			if err != nil {
				return err
			}
			c.ID, c.Amount = args[0], m
			return f.post(cmd, "commitments", funding.SubmissionCommitment, c)
		},
	}
	f.register(cmd)
	f.signing(cmd)
	f.money(cmd, "amount")
	cmd.Flags().StringVar(&c.Fund, "fund", "", "the fund (one's own)")
	cmd.Flags().StringVar(&c.Project, "project", "", "the project")
	cmd.Flags().StringVar(&c.Condition, "condition", "", "when money may be disbursed, in the agreement's condition language (none: always, snapback apart)")
	cmd.Flags().StringSliceVar(&c.ConfirmBy, "confirm-by", nil, "guarantors of the agreement who must each confirm a disbursement before it is released (comma-separated)")
	return cmd
}

func newReconstructionDisburseCmd() *cobra.Command {
	var f recFlags
	var d api.DisbursementRequest
	cmd := &cobra.Command{
		Use:   "disburse ID",
		Short: "Pay out money of a commitment of one's own fund, if the agreement allows it now",
		Long: `disburse asks the server to pay out money of a commitment. The server decides
on the agreement's state now: released, or refused — snapback in force, the
commitment's condition does not hold — and the refusal recorded; a refusal
exits non-zero with the reason.`,
		Args: exactArgs(1, "one disbursement ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.parseMoney("amount")
			if err != nil {
				return err
			}
			d.ID, d.Amount = args[0], m
			return f.post(cmd, "disbursements", funding.SubmissionDisbursement, d)
		},
	}
	f.register(cmd)
	f.signing(cmd)
	f.money(cmd, "amount")
	cmd.Flags().StringVar(&d.Commitment, "commitment", "", "the commitment")
	return cmd
}

func newReconstructionConfirmCmd() *cobra.Command {
	var f recFlags
	var x funding.ConfirmationRequest
	cmd := &cobra.Command{
		Use:   "confirm ID",
		Short: "Confirm, as a guarantor of the agreement, a disbursement of a commitment that names it",
		Long: `confirm records a guarantor's confirmation that the conditions of a
disbursement hold: its id and amount, against a commitment whose confirm_by
names the guarantor (the token's actor). The disbursement is released only
once every guarantor its commitment names has confirmed it, and still only
if the agreement allows it then (its condition holds, no snapback).`,
		Args: exactArgs(1, "one confirmation ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := f.parseMoney("amount")
			if err != nil {
				return err
			}
			x.ID, x.Amount = args[0], m
			return f.post(cmd, "confirmations", funding.SubmissionConfirmation, x)
		},
	}
	f.register(cmd)
	f.signing(cmd)
	f.money(cmd, "amount")
	cmd.Flags().StringVar(&x.Commitment, "commitment", "", "the commitment")
	cmd.Flags().StringVar(&x.Disbursement, "disbursement", "", "the disbursement confirmed (its id, before it is made)")
	return cmd
}

func newReconstructionTotalsCmd() *cobra.Command {
	var f recFlags
	cmd := &cobra.Command{
		Use:   "totals",
		Short: "Committed and disbursed money by fund, oblast and sector (no token needed)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var t reconstruction.Totals
			raw, err := f.client().call(cmd.Context(), http.MethodGet, "/v1/reconstruction", nil, &t)
			if err != nil {
				return err
			}
			if f.json {
				_, err = cmd.OutOrStdout().Write(raw)
				return err
			}
			writeTotals(cmd.OutOrStdout(), t)
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func writeTotals(out io.Writer, t reconstruction.Totals) {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	major := func(n int64, c string) string { return reconstruction.Money{Amount: n, Currency: c}.String() }
	fmt.Fprintf(w, "registry event %d: %d funds, %d projects, %d refusals\n\n", t.Seq, len(t.Funds), t.Projects, t.Refusals)
	fmt.Fprintln(w, "FUND\tSOURCE\tOWNER\tAMOUNT\tCOMMITTED\tDISBURSED")
	for _, x := range t.Funds {
		c := x.Amount.Currency
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", x.ID, x.Source, x.Owner, x.Amount, major(x.Committed, c), major(x.Disbursed, c))
	}
	for _, g := range []struct {
		head string
		list []reconstruction.PlaceTotal
	}{{"OBLAST", t.Oblasts}, {"SECTOR", t.Sectors}} {
		fmt.Fprintf(w, "\n%s\tCOMMITTED\tDISBURSED\n", g.head)
		for _, x := range g.list {
			fmt.Fprintf(w, "%s\t%s\t%s\n", x.Name, major(x.Committed, x.Currency), major(x.Disbursed, x.Currency))
		}
	}
	w.Flush()
}

func newReconstructionExportCmd() *cobra.Command {
	var f recFlags
	var format, output string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "The registry as an OCDS release package (JSON) or IATI activities (XML) (no token needed)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "ocds" && format != "iati" {
				return accord.Errorf(accord.EINVALID, "--format %q: want ocds or iati", format)
			}
			if output != "-" {
				if err := checkOutputPath(output); err != nil {
					return err
				}
			}
			raw, err := f.client().call(cmd.Context(), http.MethodGet, "/v1/reconstruction/export?format="+url.QueryEscape(format), nil, nil)
			if err != nil {
				return err
			}
			if output == "" || output == "-" {
				_, err = cmd.OutOrStdout().Write(raw)
				return err
			}
			return writeFileAtomic(output, func(out *os.File) error { _, err := out.Write(raw); return err })
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&format, "format", "ocds", "ocds or iati")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file (default stdout)")
	return cmd
}
