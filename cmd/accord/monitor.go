package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/export"
	"github.com/accord-peace/accord/fusion"
	"github.com/accord-peace/accord/monitor"
	"github.com/accord-peace/accord/ndjson"
	"github.com/spf13/cobra"
)

func newMonitorCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "monitor",
		Short: "Place observations against the agreed geometry, fuse them, find violations",
		Long: `monitor works on observations in the NDJSON form of docs/observation.md.

  run     fuse a file of observations into incidents and report the violations
  ingest  validate observations and add them, once per (source.id, id), to a store file`,
	}
	cmd.AddCommand(newMonitorRunCmd(), newMonitorIngestCmd())
	for _, c := range cmd.Commands() {
		c.Long += oneSourceHelp
	}
	return cmd
}

// inputFlags choose the format of observation files.
type inputFlags struct {
	format  string
	parties []string
}

func (f *inputFlags) register(c *cobra.Command) {
	c.Flags().StringVar(&f.format, "format", "ndjson", "input format: ndjson (docs/observation.md), acled (ACLED CSV export) or ucdp (UCDP GED CSV)")
	c.Flags().StringArrayVar(&f.parties, "party", []string{"Military Forces of Russia=ru", "Government of Russia=ru", "Military Forces of Ukraine=ua", "Government of Ukraine=ua"},
		"for acled and ucdp: ACTOR-PREFIX=PARTY, the party an actor's name stands for (repeat)")
}

// read decodes one input in the chosen format.
func (f *inputFlags) read(cmd *cobra.Command, path string) ([]monitor.Observation, error) {
	obs, _, err := f.readCounting(cmd, path)
	return obs, err
}

// readCounting is read that also counts the lines of an NDJSON file kept
// once because they repeat an earlier line exactly (the CSV imports keep
// every row: a repeat among them is in the observations returned).
func (f *inputFlags) readCounting(cmd *cobra.Command, path string) ([]monitor.Observation, int, error) {
	if f.format != "ndjson" && f.format != "acled" && f.format != "ucdp" {
		return nil, 0, usageError{cmd: usagePath(cmd), err: fmt.Errorf("--format %q: want ndjson, acled or ucdp", f.format)}
	}
	in, name, err := openInput(cmd, path)
	if err != nil {
		return nil, 0, err
	}
	defer in.Close()
	opt := monitor.ImportOptions{Parties: map[string]string{}}
	for _, p := range f.parties {
		actor, party, ok := strings.Cut(p, "=")
		if !ok || actor == "" || party == "" {
			return nil, 0, usageError{cmd: usagePath(cmd), err: fmt.Errorf("--party %q: want ACTOR-PREFIX=PARTY", p)}
		}
		opt.Parties[actor] = party
	}
	var obs []monitor.Observation
	switch f.format {
	case "ndjson":
		return monitor.DecodeCounting(in, name)
	case "acled":
		obs, err = monitor.ImportACLED(in, name, opt)
	case "ucdp":
		obs, err = monitor.ImportUCDP(in, name, opt)
	}
	return obs, 0, err
}

// openInput opens a file, or standard input for "-".
func openInput(cmd *cobra.Command, path string) (io.ReadCloser, string, error) {
	if path == "-" {
		return io.NopCloser(cmd.InOrStdin()), "stdin", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, path, &accord.Error{Code: accord.ENOTFOUND, Message: "observations " + path, Err: err}
	}
	return f, path, nil
}

// outputFormats are the values of monitor run's --output-format.
const outputFormats = "text, json, geojson, csv, kml"

func newMonitorRunCmd() *cobra.Command {
	var asJSON bool
	var beside []string
	var outFormat, outPath string
	var showProgress bool
	var input inputFlags
	cmd := &cobra.Command{
		Use:   "run AGREEMENT OBS.ndjson",
		Short: "Fuse observations into incidents and find the violations",
		Long: `run reads the agreement's monitoring section (AGREEMENT is an agreement file,
or "reference" for the embedded Ukraine 2025 reference agreement) and a file of
observations (- for standard input), places each against the agreed line and
zones, fuses them into incidents and applies the agreed rules — the path the
server takes, in memory. Every incident the input produced is printed, those
closed (no report for 24 hours of observation time after their last one:
closed_at and closed_reason set) as well as those still open at its end; an
observation repeated in the file (same source.id and id, same content)
counts once, the same key with other content refuses the file.

A file with any invalid line is refused whole: the first 100 bad lines listed
with their number, field and reason, and how many there are in all.
Observations may come in any order.

With --json, one incident per line:
  {"id","state","event","equipment","location":[lon,lat],"first_observed",
   "last_observed","observations":[{"source","id"}...],"independent_sources",
   "confidence","side","distance_to_line_m","zones":[...],
   "violations":[{"rule","provision","party","attribution_confidence"}],
   "closed_at","closed_reason"}
Without it, a summary and the violations, one per line; when an agreement
has a corridor section (--beside grain-corridor), then the corridor's
throughput: one line per UTC day with the voyages completed and the tonnes
they carried, and their totals.

--output-format chooses what is printed: text (the summary, the default),
json (as --json, which is its synonym), or an export for GIS tools,
spreadsheets and notebooks — geojson (RFC 7946 FeatureCollection of Points),
csv (RFC 4180, UTF-8, lon and lat columns) or kml (KML 2.2, Placemarks with
ExtendedData) — with the same flat fields in all three (docs/server.md,
Exports). (--format is the input's format.) --out FILE writes the output to
FILE instead of standard output, atomically: a temporary file renamed over
it, so a failure leaves FILE as it was.

Progress goes to stderr when stderr is a terminal, or with --progress: the
observations read, then those fused, every tenth of them (one line
rewritten on a terminal), then the incidents; what is printed or written
is the same with or without it.`,
		Example: "  accord simulate --duration 2h > obs.ndjson\n  accord monitor run reference obs.ndjson --json\n" +
			"  accord monitor run reference obs.ndjson --output-format geojson --out incidents.geojson\n" +
			"  ogrinfo -al -so incidents.geojson",
		Args: exactArgs(2, "AGREEMENT and OBS.ndjson"),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := runOutputFormat(cmd, outFormat, asJSON)
			if err != nil {
				return err
			}
			if err := checkOutputPath(outPath); err != nil {
				return err
			}
			if err := checkNotInput("--out", outPath, append(agreementFiles(append([]string{args[0]}, beside...)...), args[1])...); err != nil {
				return err
			}
			as, _, k, err := loadMission(args[0], beside)
			if err != nil {
				return err
			}
			p := newProgress(cmd, showProgress)
			obs, err := input.read(cmd, args[1])
			if err != nil {
				return err
			}
			p.step("%d observations read from %s", len(obs), inputName(args[1]))
			incidents, _, corridor, err := runBatchCorridor(cmd.Context(), as, k, obs, p.count("observations fused"), nil)
			if err != nil {
				return err
			}
			p.step("%d incidents", len(incidents))
			write := func(out io.Writer) error {
				if err := writeIncidents(out, format, obs, incidents); err != nil || format != "text" {
					return err
				}
				return writeCorridorSummary(out, corridor)
			}
			if outPath != "" {
				return writeFileAtomic(outPath, func(f *os.File) error { return write(f) })
			}
			return write(cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON incident per line (--output-format json)")
	cmd.Flags().StringVar(&outFormat, "output-format", "", "what to print: "+outputFormats+" (default text)")
	cmd.Flags().StringVar(&outPath, "out", "", "write to this file (atomically) instead of standard output")
	cmd.Flags().StringArrayVar(&beside, "beside", nil, "an agreement run beside AGREEMENT on the same observations, a file or an embedded one by name ("+embeddedNames()+"); repeat for more")
	cmd.Flags().BoolVar(&showProgress, "progress", false, "report progress on stderr even when it is not a terminal")
	input.register(cmd)
	return cmd
}

// inputName is an input's path as progress names it.
func inputName(path string) string {
	if path == "-" {
		return "standard input"
	}
	return path
}

// usagePath is a command's path for a usage error's "Run 'accord PATH
// --help'": "monitor run".
func usagePath(cmd *cobra.Command) string {
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

// runOutputFormat checks monitor run's output format: --output-format,
// or json for --json; text when neither is given.
func runOutputFormat(cmd *cobra.Command, format string, asJSON bool) (string, error) {
	switch {
	case asJSON && format != "" && format != "json":
		return "", usageError{cmd: usagePath(cmd), err: fmt.Errorf("--json and --output-format %s: choose one", format)}
	case asJSON:
		return "json", nil
	case format == "":
		return "text", nil
	}
	if format != "text" && format != "json" {
		if _, err := export.ParseFormat(format); err != nil {
			return "", usageError{cmd: usagePath(cmd), err: fmt.Errorf("--output-format %q: want one of %s", format, outputFormats)}
		}
	}
	return format, nil
}

// writeIncidents prints incidents in an output format of monitor run:
// text (the summary), json (one incident a line) or an export.
func writeIncidents(out io.Writer, format string, obs []monitor.Observation, incidents []monitor.Incident) error {
	w := bufio.NewWriterSize(out, 64<<10)
	switch format {
	case "text":
		writeMonitorSummary(w, len(obs), incidents)
		writeOneSourceNote(w, obs, incidents)
	case "json":
		enc := json.NewEncoder(w)
		for i := range incidents {
			if err := enc.Encode(&incidents[i]); err != nil {
				return err
			}
		}
	default:
		ew, err := export.New(w, export.Format(format), export.Options{})
		if err != nil {
			return err
		}
		for i := range incidents {
			if err := ew.Write(&incidents[i]); err != nil {
				return err
			}
		}
		if err := ew.Close(); err != nil {
			return err
		}
	}
	return w.Flush()
}

// writeMonitorSummary prints incidents by state, violations by rule and
// party, and every violation.
func writeMonitorSummary(w io.Writer, nobs int, incidents []monitor.Incident) {
	states := map[string]int{}
	closed := 0
	type rp struct{ rule, party string }
	byRule := map[rp]int{}
	nv := 0
	for _, in := range incidents {
		states[in.State]++
		if in.ClosedAt != nil {
			closed++
		}
		for _, v := range in.Violations {
			party := "unattributed"
			if v.Party != nil {
				party = *v.Party
			}
			byRule[rp{v.Rule, party}]++
			nv++
		}
	}
	fmt.Fprintf(w, "%d distinct observations, %d incidents (", nobs, len(incidents))
	// Every state counted, so that the counts add up to the incidents:
	// the usual ones always, any other (merged, ...) when present.
	order := []string{fusion.Confirmed, fusion.Corroborated, fusion.Reported, fusion.Disputed, fusion.Dismissed}
	for _, s := range slices.Sorted(maps.Keys(states)) {
		if !slices.Contains(order, s) {
			order = append(order, s)
		}
	}
	for i, s := range order {
		if i > 0 {
			fmt.Fprint(w, ", ")
		}
		fmt.Fprintf(w, "%d %s", states[s], s)
	}
	// A merged incident is neither open nor closed: its reports are its
	// survivor's.
	merged := 0
	for _, in := range incidents {
		if in.State == fusion.Merged && in.ClosedAt == nil {
			merged++
		}
	}
	fmt.Fprintf(w, "; %d closed, %d open", closed, len(incidents)-closed-merged)
	if merged > 0 {
		fmt.Fprintf(w, ", %d merged into others", merged)
	}
	fmt.Fprintf(w, "), %d violations\n\n", nv)
	keys := make([]rp, 0, len(byRule))
	for k := range byRule {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].rule != keys[j].rule {
			return keys[i].rule < keys[j].rule
		}
		return keys[i].party < keys[j].party
	})
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tPARTY\tVIOLATIONS")
	for _, k := range keys {
		fmt.Fprintf(tw, "%s\t%s\t%d\n", k.rule, k.party, byRule[k])
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INCIDENT\tSTATE\tFIRST OBSERVED\tEVENT\tLON,LAT\tSIDE\tKM\tRULE\tPARTY\tSURE")
	for _, in := range incidents {
		for _, v := range in.Violations {
			party := "-"
			if v.Party != nil {
				party = *v.Party
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.4f,%.4f\t%s\t%.1f\t%s\t%s\t%.2f\n", in.ID, in.State, in.FirstObserved.Format("2006-01-02 15:04:05"),
				in.Event, in.Location[0], in.Location[1], in.Side, in.DistanceToLineM/1000, v.Rule, party, v.AttributionConfidence)
		}
	}
	tw.Flush()
}

func newMonitorIngestCmd() *cobra.Command {
	var store string
	var input inputFlags
	cmd := &cobra.Command{
		Use:   "ingest OBS.ndjson... --store FILE",
		Short: "Validate observations and add them to a store file, once per (source.id, id)",
		Long: `ingest validates each file of observations (- for standard input) against
docs/observation.md and adds them to the store file (NDJSON, created when
absent). The key (source.id, id) is the idempotency key: an exact resend of a
stored observation is counted and skipped, and so is an observation repeated
in the input (the same file or another); the same key with different content
is an error. The answer accounts for every observation read:
  N new, N already stored, N repeated in the input, N in FILE
where the last N is how many observations the store holds after. ACLED and
UCDP GED CSV exports are read with --format (their columns by name, as their
codebooks define them). The files are read whole
before anything is stored: any error refuses them all and leaves the store
as it was. The store (package ndjson) is rewritten atomically (a temporary
file, fsynced, renamed over it), so a crash leaves the old or the new
store, never half of one.`,
		Example: "  accord simulate --duration 1h > a.ndjson\n  accord monitor ingest a.ndjson --store store.ndjson\n  accord monitor ingest a.ndjson --store store.ndjson   # again: 0 new",
		Args: func(c *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{cmd: "ingest", err: errors.New("ingest needs at least one OBS.ndjson")}
			}
			if store == "" {
				return usageError{cmd: "ingest", err: errors.New("--store FILE is required")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := ndjson.Open(store)
			if err != nil {
				return err
			}
			// Every file is read before anything is stored: one bad file
			// refuses them all.
			var batch []monitor.Observation
			// A key a later file gives again with other content is that
			// file's error, named with both places (the store would take
			// it for a key stored before).
			type place struct {
				file   string
				nth    int
				digest [32]byte
			}
			first := map[monitor.Key]place{}
			var at []place // of each observation of the batch
			// Repeats of an observation given earlier in the input: those
			// the decoder kept once, and those passed on to the store
			// (which counts them with the resends of stored ones).
			repeated, passedOn := 0, 0
			for _, path := range args {
				obs, rep, err := input.readCounting(cmd, path)
				if err != nil {
					return err
				}
				repeated += rep
				for i := range obs {
					k, d := obs[i].Key(), obs[i].Digest()
					if p, ok := first[k]; !ok {
						first[k] = place{path, i + 1, d}
					} else if p.digest != d {
						return accord.Errorf(accord.EINVALID, "%s: observation %d: (source %q, id %q) was given before, in %s (observation %d), with other content; nothing was stored", path, i+1, k.Source, k.ID, p.file, p.nth)
					} else {
						passedOn++
					}
					at = append(at, place{file: path, nth: i + 1})
				}
				batch = append(batch, obs...)
			}
			res, err := st.Put(cmd.Context(), batch)
			if cs := (accord.Conflicts)(nil); errors.As(err, &cs) {
				// Every observation the store refused, in its file.
				var b strings.Builder
				for i, c := range cs {
					if i == accord.MaxLineErrors {
						fmt.Fprintf(&b, "… and %d more\n", len(cs)-i)
						break
					}
					fmt.Fprintf(&b, "%s: observation %d: (source %q, id %q) is already stored in %s with different content\n", at[c.Index].file, at[c.Index].nth, c.Key.Source, c.Key.ID, store)
				}
				fmt.Fprintf(&b, "%d observation(s) already stored with different content; nothing was stored", len(cs))
				return accord.Errorf(accord.EINVALID, "%s", b.String())
			}
			if err != nil {
				return err
			}
			n, _ := st.Len(cmd.Context())
			fmt.Fprintf(cmd.OutOrStdout(), "%d new, %d already stored, %d repeated in the input, %d in %s\n", res.Added, res.Duplicates-passedOn, repeated+passedOn, n, store)
			writeOneSourceNote(cmd.OutOrStdout(), batch, nil)
			return nil
		},
	}
	cmd.Flags().StringVar(&store, "store", "", "the store file (NDJSON; created when absent)")
	input.register(cmd)
	return cmd
}
