package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/redact"
	"github.com/accord-peace/accord/ledger"
	"github.com/accord-peace/accord/mediation"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/talks"
)

func newNegotiationCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "negotiation",
		Short: "Run a negotiation on a server: confidential positions, rounds on one text",
		Long: `negotiation runs a mediated negotiation on a server ('accord serve --tokens
TOKENS.json --keys KEYS.json'): the mediator opens it from its public part
('accord scenario split'), each party submits its confidential position,
signed with its key, and the mediator puts one text on the table round after
round; each party answers accept, or objects on named issues, until every
veto party accepts. The record keeps a salted commitment of each position,
not the position: 'position' keeps the salt in a reveal file, and 'reveal'
proves afterwards which version the mediator had.

Who calls is what the token says (--token, default $ACCORD_TOKEN): the
mediator's token opens, drafts and sees everything; a party's token submits
its own position and answers and sees its own view only.

  open      the mediator opens a negotiation from its public part
  position  a party submits (a new version of) its position, signed
  draft     the mediator puts the next text on the table
  propose   the mediator previews the text accord would propose
  answer    a party answers the round's draft: accept, or object on issues
  request   a party asks how a text of its own fares
  status    the negotiation as the token may see it
  agreement the concluded package compiled into an agreement draft
  sign      a veto party signs that draft; the last signature puts it in force
  reveal    check that a revealed position opens its commitment in the record

` + serverExits,
		Example: "  accord negotiation open talks/public.yaml --token $MEDIATOR\n" +
			"  accord negotiation position talks/positions/ua.yaml --author ua --key ua.key --token $UA\n" +
			"  accord negotiation draft ukraine-2025 --proposal us-28-points --token $MEDIATOR\n" +
			"  accord negotiation answer ukraine-2025 --round 1 --accept --author ua --key ua.key --token $UA\n" +
			"  accord negotiation status ukraine-2025 --token $MEDIATOR\n" +
			"  accord negotiation reveal talks/positions/ua.v1.reveal.json --ledger http://127.0.0.1:8080",
	}
	cmd.AddCommand(newNegotiationOpenCmd(), newNegotiationPositionCmd(), newNegotiationDraftCmd(), newNegotiationProposeCmd(),
		newNegotiationAnswerCmd(), newNegotiationRequestCmd(), newNegotiationStatusCmd(), newNegotiationAgreementCmd(),
		newNegotiationSignCmd(), newNegotiationRevealCmd())
	return cmd
}

func checkMethod(cmd *cobra.Command, method string, allowEmpty bool) error {
	if (method == "" && allowEmpty) || method == talks.MethodBridge || method == talks.MethodCommon {
		return nil
	}
	return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--method %q: want %s or %s", method, talks.MethodBridge, talks.MethodCommon)}
}

func newNegotiationOpenCmd() *cobra.Command {
	var f negotiationFlags
	var method string
	var maxRequests int
	cmd := &cobra.Command{
		Use:   "open PUBLIC.yaml [--method bridge|common-security] [--max-requests N]",
		Short: "The mediator opens a negotiation from its public part",
		Long: `open sends the public part of a negotiation (parties, tracks, issues, options,
proposals: a scenario file without positions, as 'accord scenario split'
writes it) to the server, which opens a negotiation named by its id, the
caller (the mediator's token) its mediator. --method is how accord proposes
drafts; --max-requests caps the texts a party may ask about per round.`,
		Example: "  accord negotiation open scenarios/ukraine-2025/talks/public.yaml --token $MEDIATOR\n  accord negotiation open public.yaml --method common-security --max-requests 1",
		Args:    exactArgs(1, "one PUBLIC.yaml"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkMethod(cmd, method, false); err != nil {
				return err
			}
			if maxRequests < 0 {
				return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--max-requests %d: want 0 or more", maxRequests)}
			}
			pub, err := os.ReadFile(args[0])
			if err != nil {
				return &accord.Error{Code: accord.ENOTFOUND, Message: "public part", Err: err}
			}
			o := mediation.Opening{Public: string(pub), Method: method}
			if cmd.Flags().Changed("max-requests") {
				o.MaxRequests = &maxRequests
			}
			s, raw, err := f.client().open(cmd.Context(), o)
			if err != nil {
				return err
			}
			if f.json {
				_, err = cmd.OutOrStdout().Write(raw)
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "negotiation %s opened (%s), mediator %s, parties %s\n", s.ID, s.Title, s.Mediator, strings.Join(s.Parties, ", "))
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&method, "method", talks.MethodBridge, "how accord proposes drafts: bridge or common-security")
	cmd.Flags().IntVar(&maxRequests, "max-requests", talks.DefaultMaxRequests, "the texts a party may ask about per round")
	return cmd
}

// positionHeader is what a position file says of itself.
type positionHeader struct {
	Negotiation string `yaml:"negotiation"`
	Party       string `yaml:"party"`
}

func newNegotiationPositionCmd() *cobra.Command {
	var f negotiationFlags
	var p partyFlags
	var revealDir string
	cmd := &cobra.Command{
		Use:   "position POSITION.yaml --author PARTY --key KEYFILE",
		Short: "A party submits its confidential position, signed",
		Long: `position submits the next version of the party's position (a position file,
as 'accord scenario split' writes it: its negotiation and party first) to
the negotiation the file names, signed with the party's key. The server
keeps the position encrypted, and the record a salted commitment of it.

The salt is the party's proof: position writes the version, its commitment,
the salt and the exact content to a reveal file, POSITION.vN.reveal.json
next to the position (or in --reveal-dir), before it submits; the file is
removed if the server refuses the position. Keep it: with it, and only with
it, 'accord negotiation reveal' proves which version the mediator had.`,
		Example: "  accord negotiation position positions/ua.yaml --author ua --key ua.key --token $UA",
		Args:    exactArgs(1, "one POSITION.yaml"),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := p.signer(cmd)
			if err != nil {
				return err
			}
			content, err := os.ReadFile(args[0])
			if err != nil {
				return &accord.Error{Code: accord.ENOTFOUND, Message: "position", Err: err}
			}
			var h positionHeader
			if err := yaml.Unmarshal(content, &h); err != nil || h.Negotiation == "" {
				return accord.Errorf(accord.EINVALID, "%s: a position file starts with 'negotiation: ID' and 'party: ID' ('accord scenario split' writes them)", args[0])
			}
			dir := filepath.Dir(args[0])
			if revealDir != "" {
				dir = revealDir
			}
			name := strings.TrimSuffix(filepath.Base(args[0]), filepath.Ext(args[0]))
			var path string
			keep := func(rev mediation.Revealed) error {
				path = filepath.Join(dir, fmt.Sprintf("%s.v%d.reveal.json", name, rev.Version))
				if err := writeReveal(path, rev); err != nil {
					return &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf("the reveal file %s, which keeps the salt, cannot be written; nothing submitted", path), Err: notKept{err}}
				}
				return nil
			}
			res, rev, raw, err := f.client().position(cmd.Context(), s, h.Negotiation, content, keep)
			if err != nil {
				if path != "" && errors.As(err, new(refused)) {
					os.Remove(path) // the server has no such version: nothing to reveal
				} else if path != "" && !errors.As(err, new(notKept)) {
					// The answer was lost, or the server failed: the version
					// may be on the record, and the salt is its only proof.
					return &accord.Error{Code: accord.ErrorCode(err), Message: fmt.Sprintf("the reveal file %s is kept: the server may have recorded this version ('accord negotiation status' says)", path), Err: err}
				}
				return err
			}
			if f.json {
				_, err = cmd.OutOrStdout().Write(raw)
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s's position version %d recorded as ledger entry %d in negotiation %s\n", s.party, rev.Version, res.Entry, h.Negotiation)
			fmt.Fprintf(w, "  commitment %s\n  salt kept in %s: keep it, it proves this version\n", rev.Commitment, path)
			return nil
		},
	}
	f.register(cmd)
	p.register(cmd)
	cmd.Flags().StringVar(&revealDir, "reveal-dir", "", "where to write the reveal file (default: next to the position)")
	return cmd
}

// notKept is why a reveal file could not be written: the file, if any,
// is not the command's to remove.
type notKept struct{ error }

// writeReveal writes a reveal file, private (it holds the position), and
// never over another: a reveal file is a proof, not to be lost.
func writeReveal(path string, rev mediation.Revealed) error {
	b, _ := json.MarshalIndent(rev, "", "  ")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("it exists, and a reveal file is never replaced: move it, or give --reveal-dir")
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Sync()
}

// parseSets reads ISSUE=OPTION pairs.
func parseSets(cmd *cobra.Command, sets []string) (map[string]string, error) {
	text := map[string]string{}
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok || k == "" {
			return nil, usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--set %q: want ISSUE=OPTION (ISSUE= makes it undecided)", s)}
		}
		if _, dup := text[k]; dup {
			return nil, usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--set: issue %s set twice", k)}
		}
		text[k] = v
	}
	return text, nil
}

func newNegotiationDraftCmd() *cobra.Command {
	var f negotiationFlags
	var proposal, method, scope string
	var sets []string
	cmd := &cobra.Command{
		Use:   "draft NEGOTIATION [--proposal ID | --set ISSUE=OPTION ... | --method bridge|common-security] [--scope TRACK]",
		Short: "The mediator puts the next text on the table",
		Long: `draft closes the round on the table and opens the next one on a text: one of
the public part's proposals (--proposal), the current text with the
mediator's changes (--set ISSUE=OPTION, repeat; ISSUE= makes it undecided),
or the text accord proposes from every confidential position (--method:
bridge, the acceptable package nearest the current text; common-security).
--scope revises one track only. It prints the text, whether it is
acceptable to all and the size of the acceptable set.`,
		Example: "  accord negotiation draft ukraine-2025 --proposal us-28-points --token $MEDIATOR\n  accord negotiation draft ukraine-2025 --method bridge\n  accord negotiation draft ukraine-2025 --set nato=moratorium --scope political",
		Args:    exactArgs(1, "one NEGOTIATION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			n := 0
			for _, given := range []bool{proposal != "", len(sets) > 0, method != ""} {
				if given {
					n++
				}
			}
			if n != 1 {
				return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("give one of --proposal, --set or --method")}
			}
			if method != "" {
				if err := checkMethod(cmd, method, false); err != nil {
					return err
				}
			}
			changes, err := parseSets(cmd, sets)
			if err != nil {
				return err
			}
			d := mediation.DraftRequest{Scope: scope, Method: method, Proposal: proposal}
			if len(changes) > 0 {
				d.Changes = changes
			}
			r, raw, err := f.client().draft(cmd.Context(), args[0], d)
			if err != nil {
				return err
			}
			if f.json {
				_, err = cmd.OutOrStdout().Write(raw)
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "round %d on the table (%s", r.Round, r.Method)
			if r.Scope != "" {
				fmt.Fprintf(w, ", track %s", r.Scope)
			}
			fmt.Fprintf(w, "): acceptable to all: %s; acceptable set: %s\n", yesNo(r.AcceptableToAll), r.Acceptable)
			writeText(w, r.Text)
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&proposal, "proposal", "", "a proposal of the public part as the text")
	cmd.Flags().StringArrayVar(&sets, "set", nil, "ISSUE=OPTION: the mediator's change to the current text (repeat)")
	cmd.Flags().StringVar(&method, "method", "", "let accord propose the text: bridge or common-security")
	cmd.Flags().StringVar(&scope, "scope", "", "the one track the draft revises (default: the whole text)")
	return cmd
}

func newNegotiationProposeCmd() *cobra.Command {
	var f negotiationFlags
	var method string
	cmd := &cobra.Command{
		Use:   "propose NEGOTIATION [--method bridge|common-security]",
		Short: "The mediator previews the text accord would propose next",
		Long: `propose shows the text accord would put on the table next from every
confidential position, without putting it there: the issues it changes and
any warnings. The default method is the negotiation's.`,
		Example: "  accord negotiation propose ukraine-2025 --token $MEDIATOR\n  accord negotiation propose ukraine-2025 --method common-security --json",
		Args:    exactArgs(1, "one NEGOTIATION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkMethod(cmd, method, true); err != nil {
				return err
			}
			p, raw, err := f.client().propose(cmd.Context(), args[0], method)
			if err != nil {
				return err
			}
			if f.json {
				_, err = cmd.OutOrStdout().Write(raw)
				return err
			}
			w := cmd.OutOrStdout()
			exact := ""
			if !p.Exact {
				exact = " (the search's budget ran out: acceptable to all, maybe not the best)"
			}
			fmt.Fprintf(w, "accord proposes (%s)%s; it changes %d issue(s): %s\n", p.Method, exact, len(p.Changed), strings.Join(p.Changed, ", "))
			writeText(w, p.Text)
			for _, x := range p.Warnings {
				fmt.Fprintf(w, "warning: %s\n", x)
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&method, "method", "", "bridge or common-security (default: the negotiation's)")
	return cmd
}

func newNegotiationAnswerCmd() *cobra.Command {
	var f negotiationFlags
	var p partyFlags
	var round int
	var accept bool
	var object []string
	cmd := &cobra.Command{
		Use:   "answer NEGOTIATION --round N (--accept | --object ISSUE[,ISSUE]) --author PARTY --key KEYFILE",
		Short: "A party answers the round's draft: accept, or object on issues",
		Long: `answer sends the party's verdict on the draft of round N, signed: --accept, or
--object on the issues it cannot take. The record keeps a commitment of the
answer; no other party ever sees it. The round closes when every veto party
has answered; when all accepted a complete text, the negotiation concludes.`,
		Example: "  accord negotiation answer ukraine-2025 --round 1 --object crimea,army-cap --author ua --key ua.key --token $UA\n  accord negotiation answer ukraine-2025 --round 2 --accept --author ua --key ua.key",
		Args:    exactArgs(1, "one NEGOTIATION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if accept == (len(object) > 0) {
				return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("give --accept or --object ISSUE[,ISSUE], one of them")}
			}
			if round < 1 {
				return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--round %d: want the round on the table (1, 2, ...)", round)}
			}
			s, err := p.signer(cmd)
			if err != nil {
				return err
			}
			a := talks.Answer{Answer: talks.AnswerAccept}
			if !accept {
				a = talks.Answer{Answer: talks.AnswerObject, Issues: object}
			}
			res, raw, err := f.client().answer(cmd.Context(), s, args[0], round, a)
			if err != nil {
				return err
			}
			if f.json {
				_, err = cmd.OutOrStdout().Write(raw)
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s's answer to round %d (%s", s.party, round, a.Answer)
			if len(a.Issues) > 0 {
				fmt.Fprintf(w, " on %s", strings.Join(a.Issues, ", "))
			}
			fmt.Fprintf(w, ") recorded as ledger entry %d\n", res.Entry)
			if round <= len(res.View.Rounds) && res.View.Rounds[round-1].Closed {
				fmt.Fprintf(w, "round %d is closed\n", round)
			}
			if c := res.View.Concluded; c != nil {
				fmt.Fprintf(w, "the negotiation concluded in round %d: every veto party accepts the text\n", c.Round)
			}
			return nil
		},
	}
	f.register(cmd)
	p.register(cmd)
	cmd.Flags().IntVar(&round, "round", 0, "the round answered: the one on the table (required)")
	cmd.Flags().BoolVar(&accept, "accept", false, "accept the draft")
	cmd.Flags().StringSliceVar(&object, "object", nil, "object on these issues (comma-separated, or repeat)")
	return cmd
}

func newNegotiationRequestCmd() *cobra.Command {
	var f negotiationFlags
	var p partyFlags
	var sets []string
	cmd := &cobra.Command{
		Use:   "request NEGOTIATION --set ISSUE=OPTION ... --author PARTY --key KEYFILE",
		Short: "A party asks how a text of its own fares",
		Long: `request asks the mediator about a text (the current text with --set changes:
ISSUE=OPTION, repeat; ISSUE= makes it undecided), signed. The party is told
its own evaluation of it and whether every veto party accepts it, nothing
more; the mediator caps how many a party may ask per round.`,
		Example: "  accord negotiation request ukraine-2025 --set nato=moratorium --author ua --key ua.key --token $UA",
		Args:    exactArgs(1, "one NEGOTIATION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			changes, err := parseSets(cmd, sets)
			if err != nil {
				return err
			}
			if len(changes) == 0 {
				return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--set ISSUE=OPTION is required (repeat for more)")}
			}
			s, err := p.signer(cmd)
			if err != nil {
				return err
			}
			c := f.client()
			v, err := c.partyView(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			text := map[string]string{}
			if len(v.Rounds) > 0 {
				text = maps.Clone(v.Rounds[len(v.Rounds)-1].Text)
			}
			for k, o := range changes {
				if o == "" {
					delete(text, k)
				} else {
					text[k] = o
				}
			}
			res, raw, err := c.request(cmd.Context(), s, args[0], text)
			if err != nil {
				return err
			}
			if f.json {
				_, err = cmd.OutOrStdout().Write(raw)
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s's request recorded as ledger entry %d\n", s.party, res.Entry)
			if q := res.Request; q != nil {
				fmt.Fprintf(w, "acceptable to all: %s\n", yesNo(q.AcceptableToAll))
				writeVerdict(w, s.party, q.Evaluation)
			}
			return nil
		},
	}
	f.register(cmd)
	p.register(cmd)
	cmd.Flags().StringArrayVar(&sets, "set", nil, "ISSUE=OPTION: a change to the current text (repeat)")
	return cmd
}

func newNegotiationStatusCmd() *cobra.Command {
	var f negotiationFlags
	cmd := &cobra.Command{
		Use:   "status NEGOTIATION",
		Short: "The negotiation as the token may see it",
		Long: `status prints the negotiation as the caller may see it. The mediator sees
every round's text, whether it is acceptable to all, the size of the
acceptable set, every party's answer, the utility each gave up
(concessions) and what each party's view lets it learn of the others' red
lines (leak). A party sees the texts, whether each is acceptable to all,
its own evaluation and answers, and its own position versions.`,
		Example: "  accord negotiation status ukraine-2025 --token $MEDIATOR\n  accord negotiation status ukraine-2025 --token $UA --json",
		Args:    exactArgs(1, "one NEGOTIATION"),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := f.client().call(cmd.Context(), "GET", negPath(args[0]), nil, nil)
			if err != nil {
				return err
			}
			if f.json {
				_, err = cmd.OutOrStdout().Write(raw)
				return err
			}
			var head struct {
				Party *string `json:"party"`
			}
			json.Unmarshal(raw, &head)
			w := cmd.OutOrStdout()
			if head.Party != nil {
				var v talks.PartyView
				if err := json.Unmarshal(raw, &v); err != nil {
					return accord.Errorf(accord.EINVALID, "the server answered something other than a party's view: %v", err)
				}
				writePartyView(w, v)
				return nil
			}
			var v talks.MediatorView
			if err := json.Unmarshal(raw, &v); err != nil {
				return accord.Errorf(accord.EINVALID, "the server answered something other than the mediator's view: %v", err)
			}
			writeMediatorView(w, v)
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// writeText prints a text issue by issue.
func writeText(w io.Writer, text map[string]string) {
	for _, k := range slices.Sorted(maps.Keys(text)) {
		fmt.Fprintf(w, "  %-20s %s\n", k, text[k])
	}
}

// writeVerdict prints a party's own evaluation of a text.
func writeVerdict(w io.Writer, party string, e *negotiate.Verdict) {
	if e == nil {
		fmt.Fprintf(w, "no evaluation: %s has no position on the record\n", party)
		return
	}
	fmt.Fprintf(w, "your evaluation: utility %.1f, %s", e.Utility, acceptsWord(e.Accepts))
	if len(e.RedLines) > 0 {
		fmt.Fprintf(w, ", red lines crossed on %s", strings.Join(e.RedLines, ", "))
	}
	fmt.Fprintln(w)
}

func writeMediatorView(w io.Writer, v talks.MediatorView) {
	fmt.Fprintf(w, "negotiation %s (%s), mediator %s, method %s\n", v.Negotiation, v.Title, v.Mediator, v.Method)
	var ps []string
	for _, p := range slices.Sorted(maps.Keys(v.Positions)) {
		ps = append(ps, fmt.Sprintf("%s v%d", p, len(v.Positions[p])))
	}
	fmt.Fprintf(w, "positions: %s\n", strings.Join(ps, ", "))
	for i, r := range v.Rounds {
		var prev map[string]string
		if i > 0 {
			prev = v.Rounds[i-1].Text
		}
		writeMediatorRound(w, r, prev)
	}
	for _, c := range v.Cycles {
		fmt.Fprintf(w, "warning: a sequencing cycle: %v\n", c)
	}
	writeConclusion(w, v.Concluded)
}

// writeMediatorRound prints a round as the mediator sees it: what the text
// changed, whether it is acceptable to all, who objected on what, the
// concessions and the leak.
func writeMediatorRound(w io.Writer, r talks.MediatorRound, prev map[string]string) {
	state := "open"
	if r.Closed {
		state = "closed"
	}
	fmt.Fprintf(w, "round %d (%s, %s): %s; acceptable to all: %s; acceptable set: %s\n", r.Round, r.Method, state, changedIssues(prev, r.Text), yesNo(r.AcceptableToAll), r.Acceptable)
	for _, p := range slices.Sorted(maps.Keys(r.Answers)) {
		a := r.Answers[p]
		switch {
		case a == nil:
			fmt.Fprintf(w, "  %-6s answered (content not held)\n", p)
		case a.Answer == talks.AnswerObject:
			fmt.Fprintf(w, "  %-6s objects on %s\n", p, strings.Join(a.Issues, ", "))
		default:
			fmt.Fprintf(w, "  %-6s accepts\n", p)
		}
	}
	if len(r.Provisional) > 0 {
		fmt.Fprintf(w, "  agreed provisionally: %s\n", strings.Join(r.Provisional, ", "))
	}
	var cs, ls []string
	for _, p := range slices.Sorted(maps.Keys(r.Concessions)) {
		cs = append(cs, fmt.Sprintf("%s %.1f", p, r.Concessions[p]))
	}
	for _, p := range slices.Sorted(maps.Keys(r.Leak)) {
		l := r.Leak[p]
		ls = append(ls, fmt.Sprintf("%s %d/%d", p, l.RedLines, l.Of))
	}
	if len(cs) > 0 {
		fmt.Fprintf(w, "  concessions (utility given up): %s\n", strings.Join(cs, ", "))
	}
	if len(ls) > 0 {
		fmt.Fprintf(w, "  leak (others' red lines determined): %s\n", strings.Join(ls, ", "))
	}
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warn)
	}
}

// changedIssues says what a text changed from the one before.
func changedIssues(prev, text map[string]string) string {
	if prev == nil {
		return fmt.Sprintf("the first text, %d issue(s) decided", len(text))
	}
	var ch []string
	for _, k := range slices.Sorted(maps.Keys(text)) {
		if prev[k] != text[k] {
			ch = append(ch, fmt.Sprintf("%s %s→%s", k, orNone(prev[k]), text[k]))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(prev)) {
		if _, ok := text[k]; !ok {
			ch = append(ch, k+" undecided")
		}
	}
	if len(ch) == 0 {
		return "the text unchanged"
	}
	return "changed " + strings.Join(ch, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "(undecided)"
	}
	return s
}

func writeConclusion(w io.Writer, c *talks.Conclusion) {
	if c == nil {
		fmt.Fprintln(w, "not concluded")
		return
	}
	fmt.Fprintf(w, "concluded in round %d: every veto party accepts the text (%d issues)\n", c.Round, len(c.Package))
}

func writePartyView(w io.Writer, v talks.PartyView) {
	fmt.Fprintf(w, "negotiation %s (%s) as %s sees it, mediator %s\n", v.Negotiation, v.Title, v.Party, v.Mediator)
	for _, p := range v.Positions {
		fmt.Fprintf(w, "your position version %d: commitment %s\n", p.Version, p.Commitment)
	}
	for i, r := range v.Rounds {
		var prev map[string]string
		if i > 0 {
			prev = v.Rounds[i-1].Text
		}
		state := "open"
		if r.Closed {
			state = "closed"
		}
		fmt.Fprintf(w, "round %d (%s, %s): %s; acceptable to all: %s\n", r.Round, r.Method, state, changedIssues(prev, r.Text), yesNo(r.AcceptableToAll))
		if r.Evaluation != nil {
			fmt.Fprintf(w, "  on your position v%d, ", r.Version)
			writeVerdict(w, v.Party, r.Evaluation)
		}
		if a := r.Answer; a != nil {
			fmt.Fprintf(w, "  your answer: %s", a.Answer)
			if len(a.Issues) > 0 {
				fmt.Fprintf(w, " on %s", strings.Join(a.Issues, ", "))
			}
			fmt.Fprintln(w)
		}
	}
	for _, q := range v.Requests {
		fmt.Fprintf(w, "your request in round %d: acceptable to all: %s\n", q.Round, yesNo(q.AcceptableToAll))
	}
	writeConclusion(w, v.Concluded)
}

func acceptsWord(b bool) string {
	if b {
		return "you accept it"
	}
	return "you do not accept it"
}

func newNegotiationRevealCmd() *cobra.Command {
	var ledgerSrc, format, keysPath, checkpointPath, logKey, origin string
	var asJSON bool
	var timeout clientTimeout
	cmd := &cobra.Command{
		Use:   "reveal REVEAL.json --ledger LEDGER|URL",
		Short: "Check that a revealed position opens its commitment in the record",
		Long: `reveal proves which version of its position a party submitted: it finds, in
the record (a ledger file, or a server's /v1/ledger), the party's signed
negotiation_position entry of that negotiation and version, and checks that
the reveal file's content and salt (what 'accord negotiation position'
wrote) open the commitment recorded there, and lists the rounds whose
drafts the mediator evaluated on that version (each draft's basis in the
record names the versions). Any changed byte of the content fails. It needs
no token and trusts nothing but the record, and vouches for nothing from a
record that does not verify as one chain — the framing, each entry's form,
sequence number and link to the one before: a changed, dropped or
reordered entry is refused and named. With --keys (the authors' public
keys, as the server was given them) every signed entry's signature is
checked too; with --checkpoint and --log-key the record must hold the
entries of the log's signed checkpoint, unchanged.`,
		Example: "  accord negotiation reveal positions/ua.v1.reveal.json --ledger http://127.0.0.1:8080\n  accord negotiation reveal ua.v1.reveal.json --ledger accord-data/ledger",
		Args:    exactArgs(1, "one REVEAL.json"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if ledgerSrc == "" {
				return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--ledger LEDGER|URL is required")}
			}
			if (checkpointPath == "") != (logKey == "") {
				return usageError{cmd: cmd.CommandPath(), err: fmt.Errorf("--checkpoint and --log-key go together: the checkpoint is opened with the log's public key")}
			}
			var check recordCheck
			if keysPath != "" {
				reg, err := registry(nil, keysPath)
				if err != nil {
					return err
				}
				check.keys = reg
			}
			if checkpointPath != "" {
				v, err := readVerifier("--log-key", logKey)
				if err != nil {
					return err
				}
				cp, err := os.ReadFile(checkpointPath)
				if err != nil {
					return &accord.Error{Code: accord.ENOTFOUND, Message: "--checkpoint " + checkpointPath, Err: err}
				}
				tree, _, err := ledger.OpenCheckpoint(cp, origin, v)
				if err != nil {
					return &accord.Error{Code: accord.EINVALID, Message: "--checkpoint " + checkpointPath, Err: err}
				}
				check.checkpoint = &tree
			}
			b, err := os.ReadFile(args[0])
			if err != nil {
				return &accord.Error{Code: accord.ENOTFOUND, Message: "reveal file", Err: err}
			}
			var rev mediation.Revealed
			if err := accord.DecodeStrict(b, &rev); err != nil {
				return accord.Errorf(accord.EINVALID, "%s: not a reveal file {negotiation, party, version, commitment, salt, content}: %v", args[0], err)
			}
			salt, err := base64.StdEncoding.DecodeString(rev.Salt)
			if err != nil {
				return accord.Errorf(accord.EINVALID, "%s: salt: not base64: %v", args[0], err)
			}
			data, err := readLedger(cmd, ledgerSrc, &timeout)
			if err != nil {
				return err
			}
			seq, ev, rounds, n, err := findPosition(data, rev, check)
			if err != nil {
				return accord.Errorf(accord.EINVALID, "%s: %v", redact.URL(ledgerSrc), err)
			}
			if rev.Commitment != "" && rev.Commitment != ev.Commitment {
				return accord.Errorf(accord.EINVALID, "%s: the reveal file names commitment %s, but entry %d records %s for %s's version %d", args[0], rev.Commitment, seq, ev.Commitment, rev.Party, rev.Version)
			}
			if err := talks.Opens(ev.Commitment, salt, []byte(rev.Content)); err != nil {
				return accord.Errorf(accord.EINVALID, "%s does not prove %s's position version %d in negotiation %s: entry %d: %v", args[0], rev.Party, rev.Version, rev.Negotiation, seq, err)
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), map[string]any{"negotiation": rev.Negotiation, "party": rev.Party, "version": rev.Version,
					"commitment": ev.Commitment, "entry": seq, "opens": true, "rounds": nonNilInts(rounds),
					"entries_verified": n, "signatures_checked": check.keys != nil, "checkpoint_checked": check.checkpoint != nil})
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s's position version %d in negotiation %s opens the commitment of ledger entry %d (%s): this is the version the mediator had\n",
				rev.Party, rev.Version, rev.Negotiation, seq, ev.Commitment)
			fmt.Fprintf(w, "the record's %d entries verify as one chain (framing, sequence, links)%s\n", n, check.said())
			if len(rounds) == 0 {
				fmt.Fprintln(w, "no draft in the record was evaluated on it")
			} else {
				fmt.Fprintf(w, "the drafts of rounds %s were evaluated on it\n", strings.Join(strings.Fields(strings.Trim(fmt.Sprint(rounds), "[]")), ", "))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&ledgerSrc, "ledger", "", "the record: a ledger file, or a server's URL (required; exit 3 when the server cannot be reached)")
	cmd.Flags().StringVar(&keysPath, "keys", "", `the authors' public keys, a JSON file {"NAME": "BASE64 ED25519"}: every signature in the record is checked`)
	timeout.register(cmd)
	cmd.Flags().StringVar(&checkpointPath, "checkpoint", "", "the log's signed checkpoint (a signed note, with --log-key): the record must hold its entries")
	cmd.Flags().StringVar(&logKey, "log-key", "", "the log's public note key, or a file holding it (with --checkpoint)")
	cmd.Flags().StringVar(&origin, "origin", "accord/ukraine-2025", "the log's origin line in its checkpoints")
	registerFormat(cmd, &format, &asJSON, "print the result as JSON (--output-format json)")
	return cmd
}

func nonNilInts(s []int) []int {
	if s == nil {
		return []int{}
	}
	return s
}

// recordCheck is what reveal holds the record to beyond one chain: the
// authors' keys (every signature), a signed checkpoint (its entries).
type recordCheck struct {
	keys       *ledger.Registry
	checkpoint *tlog.Tree
}

// said is what the check covered, for the answer.
func (c recordCheck) said() string {
	switch {
	case c.keys != nil && c.checkpoint != nil:
		return fmt.Sprintf(", every signature by its author's key (--keys), and the first %d are the signed checkpoint's", c.checkpoint.N)
	case c.keys != nil:
		return ", every signature by its author's key (--keys); a signed checkpoint (--checkpoint, --log-key) would show none was dropped at the end"
	case c.checkpoint != nil:
		return fmt.Sprintf(", the first %d are the signed checkpoint's; the authors' signatures are not checked (--keys)", c.checkpoint.N)
	}
	return "; the authors' signatures (--keys) and a signed checkpoint (--checkpoint, --log-key) are not checked"
}

// findPosition finds a party's position entry of a negotiation and version
// in a ledger's bytes, once they verify as one chain (ledger.VerifyChain:
// a record changed, cut or reordered vouches for no version, and the
// error names each entry and what is wrong).
// It also lists the rounds whose drafts the mediator evaluated on that
// version (their basis names it), and n, the entries verified.
func findPosition(data []byte, rev mediation.Revealed, check recordCheck) (seq int64, _ talks.Event, rounds []int, n int64, _ error) {
	rep := ledger.VerifyChain(data, check.checkpoint)
	if check.keys != nil {
		rep = ledger.Verify(data, check.keys, check.checkpoint)
	}
	if err := rep.Err(); err != nil {
		return 0, talks.Event{}, nil, 0, fmt.Errorf("vouches for no version of %s's position: %w", rev.Party, err)
	}
	n = rep.Entries
	var found *talks.Event
	err := ledger.Entries(data, n, func(i int64, e *ledger.Entry) error {
		if e.Type == talks.TypeDraft {
			var ev talks.Event
			if json.Unmarshal(e.Body, &ev) == nil && ev.Negotiation == rev.Negotiation && ev.Basis[rev.Party] == rev.Version {
				rounds = append(rounds, ev.Round)
			}
			return nil
		}
		if e.Type != talks.TypePosition || e.Kind != ledger.KindSubmission || e.Author != rev.Party {
			return nil
		}
		var ev talks.Event
		if json.Unmarshal(e.Body, &ev) != nil || ev.Negotiation != rev.Negotiation || ev.Version != rev.Version {
			return nil
		}
		found, seq = &ev, i
		return nil
	})
	if err != nil {
		return 0, talks.Event{}, nil, 0, err
	}
	if found == nil {
		return 0, talks.Event{}, nil, 0, fmt.Errorf("no %s entry of %s's version %d in negotiation %s among its %d entries", talks.TypePosition, rev.Party, rev.Version, rev.Negotiation, n)
	}
	return seq, *found, rounds, n, nil
}
