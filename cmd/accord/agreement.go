package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/engine"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/report"
	"github.com/accord-peace/accord/scenario"
	"github.com/spf13/cobra"
)

func newAgreementCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "agreement",
		Short: "Draft, check and follow an agreement: provisions, phases, consultation, enforcement",
		Long: `agreement works on agreement files (see docs/agreement.md). FILE is an
agreement file, or "reference" for the embedded Ukraine 2025 reference.

  draft   compile a negotiated package into a starting agreement
  check   validate a file (or several, run side by side as a set) and list
          what can never happen
  status  where each provision, phase, consultation and tranche stands after a
          log (of one agreement, or of several side by side)`,
	}
	cmd.AddCommand(newAgreementDraftCmd(), newAgreementCheckCmd(), newAgreementStatusCmd())
	return cmd
}

func newAgreementDraftCmd() *cobra.Command {
	var from string
	cmd := &cobra.Command{
		Use:   "draft SCENARIO --package nash|common|utilitarian|PROPOSAL",
		Short: "Write a starting agreement from a package of the negotiation engine",
		Long: `draft takes the package a solution concept finds (nash, common, utilitarian)
or a complete proposal of the scenario, and writes a starting agreement as
YAML to stdout: the veto parties sign and are obliged, each issue becomes a
provision (temporary options become temporary provisions with a review; de
facto and reservation instruments carry over), the other parties are
guarantors, two phases and the consultation's default deadlines. Edit it,
then run 'accord agreement check' on it.`,
		Args:              exactArgs(1, "one SCENARIO"),
		ValidArgsFunction: scenarioCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := scenario.Load(args[0])
			if err != nil {
				return err
			}
			var pkg map[string]string
			if slices.Contains(negotiate.Concepts, from) {
				sol, err := negotiate.Compile(s).Solve(from, negotiate.Options{Budget: negotiate.DefaultBudget})
				if err != nil {
					return err
				}
				if sol == nil {
					return accord.Errorf(accord.EINVALID, "no package is acceptable to every veto party: nothing to draft from %s", from)
				}
				pkg = sol.Package
			} else {
				p, ok := s.Proposal(from)
				if !ok {
					return accord.Errorf(accord.ENOTFOUND, "--package %q: not a solution concept (%v) nor a proposal of %s", from, negotiate.Concepts, s.ID)
				}
				var undecided []string
				for _, is := range s.Issues {
					if _, ok := p.Choices[is.ID]; !ok {
						undecided = append(undecided, is.ID)
					}
				}
				if len(undecided) > 0 {
					return accord.Errorf(accord.EINVALID, "proposal %s leaves issues undecided (%v): draft from a complete package", from, undecided)
				}
				pkg = p.Choices
			}
			data, err := agreement.Draft(s, args[0], from, pkg).YAML()
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(data)
			return err
		},
	}
	cmd.Flags().StringVar(&from, "package", negotiate.ConceptNash, "nash, common, utilitarian or a proposal id")
	return cmd
}

func newAgreementCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE [FILE...]",
		Short: "Validate an agreement, or several run side by side, and list what is unreachable or contradictory",
		Long: `check reads an agreement file and its geometry and reports every problem with
its place: unknown parties, provisions or phases in conditions (with the
column), cycles between phase conditions and phases that can never open,
provisions nobody is obliged to, deadlines before the agreement's date, a
quorum larger than the guarantors, and the monitoring section's own rules.
With no problem it prints a summary.

Several files are agreements run side by side over one record (a set): the
conditions of each may name the others' (grain-corridor/inspections,
violations(agreement=grain-corridor), agreement(grain-corridor); see
docs/agreement.md). check then also refuses duplicate ids, a condition
naming an agreement that is not in the set or a name it does not have (with
the file, line and column), and agreements in a cycle (A reads B and B
reads A, or longer: the path and the field of each reference), and prints
the order in which the agreements settle after each entry. A file whose
conditions name other agreements is refused alone, with the agreements it
needs.`,
		Args: minArgs(1, "at least one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			as, err := loadAgreements(args)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			for _, a := range as {
				writeSummary(w, a)
			}
			if len(as) == 1 {
				return nil
			}
			order, err := agreement.SetOrder(as)
			if err != nil {
				return err
			}
			ids := make([]string, len(order))
			for i, k := range order {
				ids[i] = as[k].ID
			}
			fmt.Fprintf(w, "set of %d agreements: valid; settled after each entry in the order %s\n", len(as), strings.Join(ids, ", "))
			for _, a := range as {
				if needs := a.Needs(); len(needs) > 0 {
					fmt.Fprintf(w, "  %s reads %s\n", a.ID, strings.Join(needs, ", "))
				}
			}
			return nil
		},
	}
}

// writeSummary prints what check prints of a valid agreement.
func writeSummary(w io.Writer, a *agreement.Agreement) {
	fmt.Fprintf(w, "%s: valid\n", a.ID)
	fmt.Fprintf(w, "  parties %v, guarantors %v\n", a.Parties, a.Guarantors())
	fmt.Fprintf(w, "  %d provisions, %d phases", len(a.Provisions), len(a.Phases))
	if a.Enforcement != nil {
		fmt.Fprintf(w, ", %d relief tranches, snapback after %d days", len(a.Enforcement.Tranches), a.Enforcement.SnapbackDays)
	}
	if a.Monitoring != nil {
		fmt.Fprintf(w, "; monitoring: %d bands, %d zones", len(a.Monitoring.Bands), len(a.Monitoring.Geometry.Zones))
	}
	fmt.Fprintln(w)
}

// minArgs requires at least n arguments.
func minArgs(n int, names string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		if len(args) < n {
			return usageError{cmd: c.CommandPath(), err: fmt.Errorf("%s needs %s, got %d argument(s)", c.CommandPath(), names, len(args))}
		}
		return nil
	}
}

// readLogFile reads an NDJSON event log.
func readLogFile(logPath string) ([]engine.Event, error) {
	f, err := os.Open(logPath)
	if err != nil {
		return nil, &accord.Error{Code: accord.ENOTFOUND, Message: "log " + logPath, Err: err}
	}
	defer f.Close()
	return engine.ReadLog(f, logPath)
}

// replayFile loads an agreement and replays a log file on it.
func replayFile(agreementPath, logPath string) (*engine.State, error) {
	a, err := loadAgreement(agreementPath)
	if err != nil {
		return nil, err
	}
	log, err := readLogFile(logPath)
	if err != nil {
		return nil, err
	}
	return engine.Replay(a, log)
}

// replaySet loads agreements as a set and replays a log file on them.
func replaySet(paths []string, logPath string) ([]*engine.State, error) {
	as, err := loadAgreements(paths)
	if err != nil {
		return nil, err
	}
	log, err := readLogFile(logPath)
	if err != nil {
		return nil, err
	}
	return engine.ReplaySet(as, log)
}

func newAgreementStatusCmd() *cobra.Command {
	var logPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status FILE [FILE...] --log LOG",
		Short: "Where each provision, phase, consultation and tranche stands after a log",
		Long: `status replays LOG (NDJSON, see docs/agreement.md) on the agreement and prints
where each phase, provision, consultation and tranche stands.

With several files the agreements run side by side as a set (see 'accord
agreement check'): each entry of the log is for the agreement its
"agreement" field names (none: the first file's) and a tick for every other
one. status then prints each agreement's state in the order of the files,
one after the other; with --json, a JSON array of the states in that order,
each the state one file alone would print (its "agreement" field is its
id). With one file the output is that agreement's state as before.`,
		Args: minArgs(1, "at least one FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if logPath == "" {
				return usageError{cmd: "status", err: fmt.Errorf("--log LOG is required")}
			}
			if len(args) == 1 {
				s, err := replayFile(args[0], logPath)
				if err != nil {
					return err
				}
				return printState(cmd, s, asJSON, false)
			}
			states, err := replaySet(args, logPath)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if asJSON {
				b, err := json.MarshalIndent(states, "", "  ")
				if err != nil {
					return err
				}
				_, err = w.Write(append(b, '\n'))
				return err
			}
			for i, s := range states {
				if i > 0 {
					fmt.Fprintln(w)
				}
				writeStatus(w, s)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&logPath, "log", "", "the event log (NDJSON)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the state as JSON")
	return cmd
}

// printState prints an engine state as JSON, or as tables with, when
// asked, its hash.
func printState(cmd *cobra.Command, s *engine.State, asJSON, hash bool) error {
	if asJSON {
		_, err := cmd.OutOrStdout().Write(s.JSON())
		return err
	}
	writeStatus(cmd.OutOrStdout(), s)
	if hash {
		fmt.Fprintf(cmd.OutOrStdout(), "\nstate sha256 %s (%d derived events)\n", s.Hash(), len(s.Derived))
	}
	return nil
}

// when prints an instant of the engine's state unambiguously: RFC 3339 in
// UTC, to the second and below it when the instant has more (a due_date's
// deadline, its day's last instant, reads 2026-01-31T23:59:59.999999999Z),
// as the engine's derived events and the daily report write instants; "-"
// for none.
func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return instant(*t)
}

// instant is when for an instant that is always there.
func instant(t time.Time) string { return report.Instant(t) }

func writeStatus(out io.Writer, s *engine.State) {
	w := bufio.NewWriter(out)
	defer w.Flush()
	inForce := "not in force"
	if s.InForce != nil {
		inForce = "in force since " + when(s.InForce)
	}
	fmt.Fprintf(w, "%s at %s (log entry %d): %s\n\n", s.Agreement, instant(s.Now), s.Seq, inForce)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PHASE\tSTATUS\tOPENED")
	for _, p := range s.Phases {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", p.ID, p.Status, when(p.OpenedAt))
	}
	fmt.Fprintln(tw, "\nPROVISION\tSTATUS\tDUE\tDONE")
	for _, p := range s.Provisions {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.ID, p.Status, when(p.Due), when(p.DoneAt))
	}
	if len(s.Consultations) > 0 {
		fmt.Fprintln(tw, "\nCONSULTATION\tPARTY\tSEVERITY\tSTAGE\tDEADLINE\tOUTCOME")
		for _, c := range s.Consultations {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Party, c.Severity, c.Stage, when(c.Deadline), c.Outcome)
		}
	}
	if len(s.Tranches) > 0 {
		fmt.Fprintln(tw, "\nTRANCHE\tSTATUS\tSINCE")
		for _, t := range s.Tranches {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", t.ID, t.Status, when(t.At))
		}
	}
	tw.Flush()
	if sb := s.Snapback; sb != nil {
		state := "notified, effective on " + instant(sb.EffectiveAt)
		if sb.Effective {
			state = "effective since " + instant(sb.EffectiveAt)
		}
		if sb.LiftedAt != nil {
			state += ", lifted on " + when(sb.LiftedAt)
		}
		fmt.Fprintf(w, "\nsnapback (violation %s): %s\n", sb.Cause, state)
		for _, h := range s.Snapbacks {
			fmt.Fprintf(w, "earlier snapback (violation %s): effective %s, lifted on %s\n", h.Cause, instant(h.EffectiveAt), when(h.LiftedAt))
		}
	}
}

func newReplayCmd() *cobra.Command {
	var agreementPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "replay LOG [--agreement FILE]",
		Short: "Replay an event log through the agreement engine and print the state and its hash",
		Long: `replay applies every entry of LOG (NDJSON: sign, violation, response, finding,
provision_done, tick; see docs/agreement.md) to the agreement (the embedded
reference unless --agreement names one) and prints the final state with its
SHA-256. The engine takes time from the entries only, so the same log gives
the same state and hash on any machine. The first refused entry stops the
replay with its number and reason.`,
		Args: exactArgs(1, "one LOG"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := replayFile(agreementPath, args[0])
			if err != nil {
				return err
			}
			return printState(cmd, s, asJSON, true)
		},
	}
	cmd.Flags().StringVar(&agreementPath, "agreement", "", "agreement file (default: the embedded reference)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the state as JSON")
	return cmd
}
