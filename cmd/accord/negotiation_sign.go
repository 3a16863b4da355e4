package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/accord-peace/accord"
)

func newNegotiationAgreementCmd() *cobra.Command {
	var f negotiationFlags
	var out string
	cmd := &cobra.Command{
		Use:   "agreement NEGOTIATION [--out FILE]",
		Short: "The concluded package compiled into an agreement draft (YAML)",
		Long: `agreement prints the agreement draft the concluded package compiles to, as
'accord agreement draft' compiles a package: the veto parties are its
parties, each issue's option a provision, two phases and the consultation.
Its SHA-256 is what the parties sign ('accord negotiation sign').`,
		Example: "  accord negotiation agreement ukraine-2025 --out agreement.yaml --token $UA",
		Args:    exactArgs(1, "one NEGOTIATION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			y, sha, err := f.client().agreement(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if out == "" {
				_, err = cmd.OutOrStdout().Write(y)
				return err
			}
			if err := writeFileAtomic(out, func(f *os.File) error { _, err := f.Write(y); return err }); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (SHA-256 %s)\n", out, sha)
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&out, "out", "", "write the draft to FILE (default: standard output)")
	return cmd
}

func newNegotiationSignCmd() *cobra.Command {
	var f negotiationFlags
	var p partyFlags
	var expect string
	cmd := &cobra.Command{
		Use:   "sign NEGOTIATION --author PARTY --key KEYFILE [--sha256 HEX]",
		Short: "A veto party signs the agreement the negotiation concluded on",
		Long: `sign fetches the agreement draft the concluded package compiles to and signs
its SHA-256 with the party's key. With --sha256 it signs only when the draft
is the one the party read (from 'accord negotiation agreement --out'). When
every veto party has signed, the agreement is in force and its engine
starts: 'status' then shows its phases and provisions.`,
		Example: "  accord negotiation sign ukraine-2025 --author ua --key ua.key --token $UA",
		Args:    exactArgs(1, "one NEGOTIATION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := p.signer(cmd)
			if err != nil {
				return err
			}
			c := f.client()
			_, sha, err := c.agreement(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			if expect != "" && !strings.EqualFold(expect, sha) {
				return accord.Errorf(accord.EINVALID, "the server's agreement draft has SHA-256 %s, not the %s given: nothing signed", sha, expect)
			}
			v, raw, err := c.sign(cmd.Context(), s, args[0], sha)
			if err != nil {
				return err
			}
			if f.json {
				_, err = cmd.OutOrStdout().Write(raw)
				return err
			}
			w := cmd.OutOrStdout()
			a := v.Agreement
			fmt.Fprintf(w, "%s signed the agreement %s…: %d of %d veto parties (%s)\n", s.party, sha[:16], len(a.Signed), len(a.Parties), strings.Join(a.Signed, ", "))
			if a.InForce != nil {
				fmt.Fprintf(w, "the agreement is in force since %s: its engine has started\n", instant(*a.InForce))
			}
			return nil
		},
	}
	f.register(cmd)
	p.register(cmd)
	cmd.Flags().StringVar(&expect, "sha256", "", "sign only a draft with this SHA-256")
	return cmd
}
