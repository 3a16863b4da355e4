package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/golang/geo/s2"
	"github.com/spf13/cobra"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/agreement"
	"github.com/accord-peace/accord/forecast"
	"github.com/accord-peace/accord/geo"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/negotiate"
	"github.com/accord-peace/accord/report"
	"github.com/accord-peace/accord/robust"
	"github.com/accord-peace/accord/scenarios"
)

func newReportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Reports of the mission",
		Long:  "report writes the mission's reports.\n\n  daily     the daily monitoring report of one day, as HTML and PDF\n  briefing  the briefing on a proposal, as HTML and PDF",
	}
	cmd.AddCommand(newDailyReportCmd(), newBriefingCmd())
	return cmd
}

func newDailyReportCmd() *cobra.Command {
	var day, out, pdf, now string
	var beside []string
	var input inputFlags
	var stretchKM float64
	var showProgress bool
	var rec reconstructionReport
	cmd := &cobra.Command{
		Use:   "daily AGREEMENT OBS.ndjson --day YYYY-MM-DD --out REPORT.html [--pdf REPORT.pdf]",
		Short: "The daily monitoring report: incidents and violations by area and party, weapons in bands, restrictions",
		Long: `daily fuses the observations with the agreement's pipeline (as 'accord monitor
run': every incident, closed or open, so a day's totals do not depend on what
later data the file holds) and writes the report of one day (UTC) — the successor of the OSCE
mission's daily report: a one-page summary in sentences (violations by party
and rule, consultations opened and closed, consequences applied), a map of
the day's incidents over the line and zones, then incidents and violations
by rule and party, by nearest settlement, by stretch of the line (every
--stretch-km along it from its start) and by zone, heavy weapons seen inside
their withdrawal bands, restrictions of the monitors' movement, each against
the day before. Places are named by the nearest settlement (GeoNames, CC BY
4.0), parties by the names the agreement's scenario gives them. --out writes
HTML; --pdf prints it to PDF with headless Chromium, pages numbered
(docs/report.md). With an agreement that has a corridor section (--beside
grain-corridor) the report has a "Grain corridor" section: the voyages
completed on the day and the tonnes carried, against the day before, and
the violations of that agreement's rules first observed on the day.
--registry adds the reconstruction section from a
server's record (its data directory): the day's funds, commitments,
confirmations and disbursements and the day's refusals with their reasons,
by oblast and sector, of the day and to date; --reconstruction-json and
--reconstruction-md write that section as JSON and Markdown too.

Progress goes to stderr when stderr is a terminal, or with --progress: the
observations read, then those fused, every tenth of them (one line
rewritten on a terminal), then each file made; the report is the same with
or without it.`,
		Args: exactArgs(2, "AGREEMENT and OBS.ndjson"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" && pdf == "" {
				return usageError{cmd: "daily", err: fmt.Errorf("give --out REPORT.html, --pdf REPORT.pdf or both")}
			}
			d, err := time.Parse("2006-01-02", day)
			if err != nil {
				return usageError{cmd: "daily", err: fmt.Errorf("--day: want YYYY-MM-DD, got %q", day)}
			}
			made := time.Now()
			if now != "" {
				if made, err = time.Parse(time.RFC3339Nano, now); err != nil {
					return usageError{cmd: "daily", err: fmt.Errorf("--now: want an RFC 3339 instant (2025-06-04T12:00:00Z), got %q", now)}
				}
			}
			if !(stretchKM > 0) || math.IsInf(stretchKM, 0) {
				return usageError{cmd: "daily", err: fmt.Errorf("--stretch-km %g: want a length above 0 (km)", stretchKM)}
			}
			// Where the files go is checked before the work.
			inputs := append(agreementFiles(append([]string{args[0]}, beside...)...), args[1])
			inputs = append(inputs, rec.inputs()...)
			for _, o := range []struct{ flag, path string }{{"--out", out}, {"--pdf", pdf}, {"--reconstruction-json", rec.json}, {"--reconstruction-md", rec.markdown}} {
				if err := checkOutputPath(o.path); err != nil {
					return err
				}
				if err := checkNotInput(o.flag, o.path, inputs...); err != nil {
					return err
				}
			}
			as, mon, k, err := loadMission(args[0], beside)
			if err != nil {
				return err
			}
			a := as[0]
			p := newProgress(cmd, showProgress)
			obs, err := input.read(cmd, args[1])
			if err != nil {
				return err
			}
			p.step("%d observations read from %s", len(obs), inputName(args[1]))
			// The incidents as they stood at the day's end (or now, for a
			// day not over), and the engine's state then, whether or not
			// an entry follows its last deadlines.
			at := report.NewIncidentsAt(report.Until(d, made))
			incidents, states, corridor, err := runBatchCorridor(cmd.Context(), as, k, obs, p.count("observations fused"), at)
			if err != nil {
				return err
			}
			p.step("%d incidents", len(incidents))
			rep := report.BuildAt(a.ID, d, at, stretches(mon.Geometry, stretchKM*1000))
			rep.SetNow(made)
			if err := addCorridor(rep, as, corridor, incidents); err != nil {
				return err
			}
			if states != nil {
				rep.SetEngine(states[0])
				for i, o := range as[1:] {
					rep.AddBeside(o.Title, states[i+1])
				}
			}
			rep.Geometry = mon.Geometry
			if rep.Places, err = report.ParsePlaces(scenarios.Places, placesAttribution); err != nil {
				return fmt.Errorf("the embedded places: %w", err)
			}
			rep.Parties = partyNames(args[0], a)
			rep.SetCutoff(obs)
			if rep.Reconstruction, err = rec.build(d); err != nil {
				return err
			}
			if err := rec.write(rep.Reconstruction); err != nil {
				return err
			}
			var html bytes.Buffer
			if err := rep.HTML(&html); err != nil {
				return err
			}
			p.step("the report of %s made", d.Format("2006-01-02"))
			if out != "" {
				if err := writeFileAtomic(out, func(f *os.File) error { _, err := f.Write(html.Bytes()); return err }); err != nil {
					return err
				}
				p.step("written to %s", out)
			}
			if pdf != "" {
				b, err := printPDF(cmd.Context(), html.Bytes())
				if err != nil {
					return err
				}
				if err := writeFileAtomic(pdf, func(f *os.File) error { _, err := f.Write(b); return err }); err != nil {
					return err
				}
				p.step("printed to %s", pdf)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %d incidents (%d the day before), %d violations, %d heavy weapons in bands\n",
				d.Format("2006-01-02"), rep.Today.Incidents, rep.Yesterday.Incidents, rep.Today.Violations, len(rep.Weapons))
			if !rep.AsOf.IsZero() {
				fmt.Fprintf(cmd.ErrOrStderr(), "accord: warning: %s is not over: the report is partial, as of %s\n", d.Format("2006-01-02"), rep.AsOf.Format(time.RFC3339Nano))
			}
			if rep.Uncovered {
				fmt.Fprintf(cmd.ErrOrStderr(), "accord: warning: no observation of %s was made on %s: the report says its counts are the data's silence, not a quiet day\n", args[1], d.Format("2006-01-02"))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&day, "day", "", "the day (UTC), YYYY-MM-DD")
	cmd.Flags().StringVar(&out, "out", "", "write the HTML report to this file")
	cmd.Flags().StringVar(&now, "now", "", "the instant the report is made at, RFC 3339 (default: the clock): a day not over by then is reported as of then, and says it is partial")
	cmd.Flags().StringVar(&pdf, "pdf", "", "print the report to this PDF file (needs Chromium)")
	cmd.Flags().Float64Var(&stretchKM, "stretch-km", 100, "length of the stretches of the line the report counts by")
	cmd.Flags().BoolVar(&showProgress, "progress", false, "report progress on stderr even when it is not a terminal")
	cmd.Flags().StringArrayVar(&beside, "beside", nil, "an agreement run beside AGREEMENT on the same observations (its own consultations: a section of the report), a file or an embedded one by name ("+embeddedNames()+"); repeat for more")
	rec.register(cmd)
	input.register(cmd)
	return cmd
}

// placesAttribution credits the embedded gazetteer as its licence asks
// (scenarios/places/README.md).
const placesAttribution = "Settlements: GeoNames (www.geonames.org), CC BY 4.0; nearest settlement by great-circle distance, direction from it on an eight-point compass."

// partyNames are the names the agreement's scenario gives its parties
// (the reference scenario for the reference agreement, else the scenario
// file the agreement names, beside it); nil when it names none or cannot
// be read, and the report falls back on report.KnownParties.
func partyNames(path string, a *agreement.Agreement) map[string]string {
	sp := ""
	switch {
	case path == "" || path == "reference":
	case a.Scenario != "":
		sp = filepath.Join(filepath.Dir(path), a.Scenario)
	default:
		return nil
	}
	s, err := loadScenario(sp)
	if err != nil {
		return nil
	}
	names := map[string]string{}
	for _, p := range s.Parties {
		if p.Name != "" {
			names[p.ID] = p.Name
		}
	}
	return names
}

// stretches names the stretch of the line nearest to an incident, by the
// distance along the line of its nearest vertex.
func stretches(g *geo.Geometry, step float64) report.Stretch {
	type vtx struct {
		p     s2.Point
		along float64
	}
	var vs []vtx
	along := 0.0
	for _, part := range g.Parts {
		for i, c := range part {
			p := geo.Point(c[0], c[1])
			if i > 0 {
				along += float64(vs[len(vs)-1].p.Distance(p)) * geo.EarthRadiusM
			}
			vs = append(vs, vtx{p, along})
		}
	}
	return func(in *monitor.Incident) string {
		p := geo.Point(in.Location[0], in.Location[1])
		best, at := math.Inf(1), 0.0
		for _, v := range vs {
			if d := float64(v.p.Distance(p)); d < best {
				best, at = d, v.along
			}
		}
		lo := math.Floor(at/step) * step
		return fmt.Sprintf("km %04.0f–%04.0f along the line", lo/1000, (lo+step)/1000)
	}
}

// printPDF prints an HTML page to PDF in headless Chromium.
func printPDF(ctx context.Context, html []byte) ([]byte, error) {
	bin := ""
	for _, b := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(b); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		return nil, accord.Errorf(accord.ENOTFOUND, "--pdf needs Chromium (Debian: apt-get install chromium)")
	}
	dir, err := os.MkdirTemp("", "accord-report-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, html, 0o644); err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox)
	actx, cancel := chromedp.NewExecAllocator(ctx, opts...)
	defer cancel()
	cctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	cctx, cancel = context.WithTimeout(cctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(cctx, chromedp.Navigate("file://"+page)); err != nil {
		return nil, fmt.Errorf("printing the report: %w", err)
	}
	return chromedp.Run(cctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFMargin(0.5), chromedp.PDFPrintBackground()))
}

func newBriefingCmd() *cobra.Command {
	var proposal, out, pdf, x, y string
	var f analysisFlags
	var ro robust.Options
	cmd := &cobra.Command{
		Use:   "briefing SCENARIO --proposal ID --out BRIEFING.html [--pdf BRIEFING.pdf]",
		Short: "The briefing on a proposal: each party's verdict, the nearest acceptable package, the plots",
		Long: `briefing writes, for one proposal, what a mediation team needs on one page: how
each party scores it (utility, BATNA, verdict, red lines crossed, the issues
that cost it most), the nearest package every veto party accepts, the
frontier of acceptable packages in the utilities of --x and --y with the
proposals marked, and the comparison matrix of every proposal. When the
scenario gives ranges [lo, hi] (docs/scenario.md, Ranges), it adds how sure
the proposal is: its probability of acceptance over --runs Monte Carlo runs
(--seed), the issues whose uncertainty matters most and the bar chart of
accord robust (docs/robust.md). When the scenario maps onto the spatial
models (at least two parties with positions), it adds where the bargaining
may land: accord forecast's SMP run, the final weighted median and mean per
issue and the chart of the positions converging (docs/forecast.md). --out
writes HTML; --pdf prints it with headless Chromium.`,
		Args:              exactArgs(1, "one SCENARIO"),
		ValidArgsFunction: scenarioCompletion,
		RunE: func(cmd *cobra.Command, args []string) error {
			if proposal == "" || (out == "" && pdf == "") {
				return usageError{cmd: "briefing", err: fmt.Errorf("give --proposal ID and --out, --pdf or both")}
			}
			// Checked whatever the scenario: a value that is wrong is wrong
			// before it is used.
			if ro.Runs <= 0 {
				return usageError{cmd: "briefing", err: fmt.Errorf("--runs must be positive, got %d", ro.Runs)}
			}
			for _, o := range []struct{ flag, path string }{{"--out", out}, {"--pdf", pdf}} {
				if err := checkOutputPath(o.path); err != nil {
					return err
				}
				if err := checkNotInput(o.flag, o.path, args[0]); err != nil {
					return err
				}
			}
			m, err := load(args[0])
			if err != nil {
				return err
			}
			p, ok := m.Scenario.Proposal(proposal)
			if !ok {
				return accord.Errorf(accord.ENOTFOUND, "no proposal %q in %s", proposal, m.Scenario.ID)
			}
			ev := m.Evaluate(p)
			o := f.options()
			o.Context = cmd.Context() // Ctrl-C stops the searches
			var b *negotiate.Bridge
			var cut int64 // the budget that ran out before any bridge was found
			if !ev.Partial {
				var be *negotiate.BudgetError
				switch b, err = m.NearestAcceptable(p, o); {
				case errors.As(err, &be):
					cut = be.Budget
				case err != nil:
					return err
				}
			}
			var plane *negotiate.Plane
			if x != "" && y != "" {
				if plane, err = m.Plane(x, y, o); err != nil {
					return err
				}
			}
			br, err := report.NewBriefing(m.Scenario.ID, ev, b, plane, m.Compare())
			if err != nil {
				return err
			}
			br.BridgeCut = cut
			if len(robust.Inputs(m.Scenario)) > 0 {
				ro.Budget = f.budget
				res, err := robust.Run(cmd.Context(), m.Scenario, ro)
				if err != nil {
					return err
				}
				if err := br.AddRobustness(res); err != nil {
					return err
				}
			}
			// Where the bargaining may land, when the scenario maps onto
			// the spatial models as accord forecast maps it.
			if in, err := forecast.ScenarioInput(m.Scenario); err == nil {
				fc, _, err := forecast.Run(in, forecast.ModelSMP, forecast.Options{})
				if err != nil {
					return err
				}
				if err := br.AddForecast(m.Scenario, fc); err != nil {
					return err
				}
			}
			var html bytes.Buffer
			if err := br.HTML(&html); err != nil {
				return err
			}
			if out != "" {
				if err := writeFileAtomic(out, func(f *os.File) error { _, err := f.Write(html.Bytes()); return err }); err != nil {
					return err
				}
			}
			if pdf != "" {
				data, err := printPDF(cmd.Context(), html.Bytes())
				if err != nil {
					return err
				}
				if err := writeFileAtomic(pdf, func(f *os.File) error { _, err := f.Write(data); return err }); err != nil {
					return err
				}
			}
			verdict := "not accepted by every veto party"
			if ev.AcceptedByVeto {
				verdict = "accepted by every veto party"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "briefing on %s: %s\n", proposal, verdict)
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&proposal, "proposal", "", "the proposal's id")
	cmd.Flags().StringVar(&out, "out", "", "write the HTML briefing to this file")
	cmd.Flags().StringVar(&pdf, "pdf", "", "print the briefing to this PDF file (needs Chromium)")
	cmd.Flags().StringVar(&x, "x", "ua", "party on the frontier plot's x axis (empty: no plot)")
	cmd.Flags().StringVar(&y, "y", "ru", "party on the frontier plot's y axis")
	cmd.Flags().IntVar(&ro.Runs, "runs", 10000, "Monte Carlo runs over the scenario's ranges, when it gives any (accord robust)")
	cmd.Flags().Uint64Var(&ro.Seed, "seed", 1, "seed of those runs")
	return cmd
}
