package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/internal/redact"
	"github.com/accord-peace/accord/local"
	"github.com/accord-peace/accord/pgstore"
	"github.com/accord-peace/accord/stream"
)

// The server's configuration comes from four sources, the first that sets
// a value winning: the command line's flags, the environment (ACCORD_ and
// the flag's name in capitals, dashes as underscores), the configuration
// file (--config, or ACCORD_CONFIG; YAML keys named as the flags) and the
// flags' defaults. 'serve' and 'config check' resolve it with one function,
// resolveConfig.

const configHelp = `Configuration: every flag may also be set in the environment, as ACCORD_
and the flag's name in capitals with dashes as underscores (ACCORD_ADDR,
ACCORD_STORE, ACCORD_FEED_CLIENTS; a repeatable flag as a comma list:
ACCORD_AGREEMENT=reference,corridor.yaml; an empty variable is unset), or in
a YAML file given by --config FILE (or ACCORD_CONFIG) whose keys are the
flags' names (addr: ..., agreement: [reference, corridor.yaml]; an unknown
key is refused with its line; relative paths are from the working
directory, as on the command line). Precedence: flag > environment > file >
default. 'accord config check' prints the effective configuration with where
each value came from and checks it without starting the server
(docs/server.md, "Configuration").`

// configSource is where one setting's value came from.
type configSource struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source string `json:"source"` // flag, env ACCORD_X, file F:LINE, default
}

// envName is the environment variable of a flag.
func envName(flag string) string {
	return "ACCORD_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// serverFlags are the names of the flags serverConfig registers: the keys
// a configuration file may hold.
func serverFlags() []string {
	var c serverConfig
	cmd := &cobra.Command{}
	c.register(cmd, "")
	var names []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	return names
}

// registerConfigFile adds --config to a command that resolves the server's
// configuration.
func registerConfigFile(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVar(path, "config", "", "a YAML configuration file, keys named as the flags (flag > environment ACCORD_* > file > default)")
}

// setFlag sets a flag from a list of values (one unless repeatable),
// replacing its default.
func setFlag(f *pflag.Flag, vals []string) error {
	if sv, ok := f.Value.(pflag.SliceValue); ok {
		return sv.Replace(vals)
	}
	if len(vals) != 1 {
		return fmt.Errorf("want one value, got a list of %d", len(vals))
	}
	if err := f.Value.Set(vals[0]); err != nil {
		// Say what the setting wants, not the parser's words.
		switch f.Value.Type() {
		case "int", "int64", "uint", "uint64":
			return fmt.Errorf("want a whole number (default %s)", f.DefValue)
		case "duration":
			return fmt.Errorf("want a duration such as 30s, 2m or 1h (default %s)", f.DefValue)
		case "bool":
			return errors.New("want true or false")
		}
		return err
	}
	return nil
}

// fileValue is one key of a configuration file.
type fileValue struct {
	vals []string
	line int
}

// secondDocument is the line of the marker (---) that starts a YAML
// file's second document: the first marker if the file's first document
// has none, else the second.
func secondDocument(b []byte) int {
	started, seen := false, 0
	for i, line := range strings.Split(string(b), "\n") {
		t := strings.TrimRight(line, " \t\r")
		if t == "---" || strings.HasPrefix(t, "--- ") {
			seen++
			if seen == 2 || started {
				return i + 1
			}
			started = true // the first document's own marker
			continue
		}
		if s := strings.TrimSpace(t); s != "" && !strings.HasPrefix(s, "#") {
			started = true
		}
	}
	return 1
}

// readConfigFile reads a configuration file strictly: a mapping of the
// known keys to a scalar or, for repeatable flags, a list of scalars.
func readConfigFile(path string, known []string, repeatable func(string) bool) (map[string]fileValue, []string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, []string{fmt.Sprintf("--config %s: %v", path, err)}
	}
	// One document: a second one (after ---) would be read by nothing.
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var doc, next yaml.Node
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, []string{fmt.Sprintf("%s: not YAML: %v", path, err)}
	}
	if err := dec.Decode(&next); err == nil {
		return nil, []string{fmt.Sprintf("%s:%d: a second YAML document: the settings are one mapping, in one document (no ---)", path, secondDocument(b))}
	} else if !errors.Is(err, io.EOF) {
		return nil, []string{fmt.Sprintf("%s: not YAML: %v", path, err)}
	}
	out := map[string]fileValue{}
	if len(doc.Content) == 0 {
		return out, nil // an empty file sets nothing
	}
	m := doc.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil, []string{fmt.Sprintf("%s:%d: want a mapping of settings (addr: 127.0.0.1:8080)", path, m.Line)}
	}
	var problems []string
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if !slices.Contains(known, k.Value) {
			problems = append(problems, fmt.Sprintf("%s:%d: unknown key %q (known: %s)", path, k.Line, k.Value, strings.Join(known, ", ")))
			continue
		}
		if _, dup := out[k.Value]; dup {
			problems = append(problems, fmt.Sprintf("%s:%d: key %q set twice", path, k.Line, k.Value))
			continue
		}
		var vals []string
		switch v.Kind {
		case yaml.ScalarNode:
			vals = []string{v.Value}
		case yaml.SequenceNode:
			if !repeatable(k.Value) {
				problems = append(problems, fmt.Sprintf("%s:%d: %s: want one value, not a list", path, v.Line, k.Value))
				continue
			}
			ok := true
			for _, e := range v.Content {
				if e.Kind != yaml.ScalarNode {
					problems = append(problems, fmt.Sprintf("%s:%d: %s: want a list of values", path, e.Line, k.Value))
					ok = false
					break
				}
				vals = append(vals, e.Value)
			}
			if !ok {
				continue
			}
		default:
			problems = append(problems, fmt.Sprintf("%s:%d: %s: want a value or a list of values", path, v.Line, k.Value))
			continue
		}
		out[k.Value] = fileValue{vals: vals, line: k.Line}
	}
	return out, problems
}

// resolveConfig fills every server flag the command line left unset from
// the environment, then from the configuration file, and says where each
// value came from. It is the one resolution of 'serve' and 'config check'.
// Its problems (an unknown key, a value that does not parse) are listed
// all at once.
func resolveConfig(cmd *cobra.Command, configPath string, lookupEnv func(string) (string, bool)) ([]configSource, []string) {
	var problems []string
	flags := cmd.Flags()
	cf := flags.Lookup("config")
	fromEnv := false
	if cf != nil && !cf.Changed {
		if v, ok := lookupEnv("ACCORD_CONFIG"); ok && v != "" {
			configPath, fromEnv = v, true
		}
	} else if cf != nil && strings.TrimSpace(configPath) == "" {
		// Given, and empty (--config "$CFG" with CFG unset): not "no
		// file", which would start a server on the defaults rather than
		// the one the file describes.
		problems = append(problems, fmt.Sprintf("--config %q: empty (flag); give the configuration file, or leave --config out to read none", configPath))
	}
	known := serverFlags()
	repeatable := func(name string) bool {
		f := flags.Lookup(name)
		_, ok := f.Value.(pflag.SliceValue)
		return ok
	}
	// A variable a letter or two from a setting's is a mistake, as a
	// file's unknown key (config_env.go).
	problems = append(problems, misspeltEnv(os.Environ(), append(slices.Clone(known), "config"))...)
	var file map[string]fileValue
	if configPath != "" {
		var ps []string
		file, ps = readConfigFile(configPath, known, repeatable)
		for i, p := range ps {
			if fromEnv { // name what gave the file: the variable, not a flag never given
				ps[i] = "ACCORD_CONFIG=" + strings.TrimPrefix(p, "--config ")
			}
		}
		problems = append(problems, ps...)
	}
	var sources []configSource
	for _, name := range known {
		f := flags.Lookup(name)
		src, invalid := "default", ""
		switch {
		case f.Changed:
			src = "flag"
		default:
			// An empty variable is unset, as the shells' ${X:-default}.
			if v, ok := lookupEnv(envName(name)); ok && v != "" {
				vals := []string{v}
				if repeatable(name) {
					vals = nil
					for _, s := range strings.Split(v, ",") {
						if s = strings.TrimSpace(s); s != "" {
							vals = append(vals, s)
						}
					}
				}
				src = "env " + envName(name)
				if err := setFlag(f, vals); err != nil {
					problems = append(problems, fmt.Sprintf("%s=%q: %v", envName(name), v, err))
					invalid = v
				}
			} else if fv, ok := file[name]; ok {
				src = fmt.Sprintf("file %s:%d", configPath, fv.line)
				if err := setFlag(f, fv.vals); err != nil {
					invalid = strings.Join(fv.vals, ",")
					problems = append(problems, fmt.Sprintf("%s:%d: %s %q: %v", configPath, fv.line, name, invalid, err))
				}
			}
		}
		val := f.Value.String()
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			val = strings.Join(sv.GetSlice(), ",")
		}
		if src != "default" && invalid == "" && f.Value.Type() == "string" && strings.TrimSpace(val) == "" && !emptyMeans[name] {
			// Given, and empty: an unset variable in a script, say
			// (--store "$PG" serving SQLite, --tokens "$T" an open
			// server), not the default, which leaving it out gives.
			problems = append(problems, fmt.Sprintf("--%s %q: empty (%s); leave it out for its default%s", name, val, src, defaultSaid(f)))
		}
		if src != "default" && invalid == "" {
			problems = append(problems, tildeProblems(name, f, src)...)
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok && src != "default" && invalid == "" && len(sv.GetSlice()) == 0 {
			// A list given with nothing in it (agreement: [] in the
			// file, ACCORD_AGREEMENT=" , "): empty, as above, not the
			// default (the reference agreement for --agreement). The
			// command line cannot give one.
			problems = append(problems, fmt.Sprintf("--%s: an empty list (%s); give at least one value, or leave it out for its default", name, src))
		}
		if invalid != "" {
			// A value that does not parse leaves the default (pflag
			// zeroes a flag on a failed Set): the checks that follow
			// see the default, the listing the value refused.
			f.Value.Set(f.DefValue)
			val, src = invalid, src+" (invalid)"
		}
		// Secrets hidden: a URL's password (--store, --stream,
		// --witness-server), a private key given as --witness-key.
		val = redact.Value(val)
		sources = append(sources, configSource{Key: name, Value: val, Source: src})
	}
	return sources, problems
}

// tildeProblems refuses a setting's values that begin with ~ (data:
// ~/accord in the file): only a shell expands it, on a command line, and
// taken literally it made a directory named ~ in the working directory.
func tildeProblems(name string, f *pflag.Flag, src string) []string {
	vals := []string{f.Value.String()}
	if sv, ok := f.Value.(pflag.SliceValue); ok {
		vals = sv.GetSlice()
	} else if f.Value.Type() != "string" {
		return nil
	}
	var ps []string
	for _, v := range vals {
		if v != "~" && !strings.HasPrefix(v, "~/") {
			continue
		}
		home, err := os.UserHomeDir()
		if err != nil {
			home = "$HOME"
		}
		ps = append(ps, fmt.Sprintf("--%s %q (%s): ~ is not expanded here (a shell expands it on a command line, not in a file nor the environment); write the home directory out: %s", name, v, src, filepath.Join(home, strings.TrimPrefix(v, "~"))))
	}
	return ps
}

// emptyMeans are the string settings whose empty value is documented and
// meant (--stream "": no streams) or said by a check of their own (--role,
// --data, --addr, --origin).
var emptyMeans = map[string]bool{"stream": true, "scenario": true, "config": true, "role": true, "data": true, "addr": true, "origin": true}

// defaultSaid is ", which is X" for a flag with a default value.
func defaultSaid(f *pflag.Flag) string {
	if f.DefValue == "" {
		return ""
	}
	return fmt.Sprintf(", which is %q", f.DefValue)
}

// attribute adds to each problem about a flag the place its value came
// from when that is not the command line: "--feed-clients 0: ... (set by
// env ACCORD_FEED_CLIENTS)".
func attribute(problems []string, sources []configSource) []string {
	out := make([]string, len(problems))
	for i, p := range problems {
		out[i] = p
		for _, s := range sources {
			if s.Source == "flag" || s.Source == "default" || strings.HasSuffix(s.Source, "(invalid)") {
				continue
			}
			if strings.HasPrefix(p, "--"+s.Key+" ") || strings.HasPrefix(p, "--"+s.Key+":") || strings.Contains(p, ", --"+s.Key+" ") {
				out[i] += " (set by " + s.Source + ")"
			}
		}
	}
	return out
}

// resolveServe resolves the configuration for serve: its problems, and
// those of the values no server can start with, are a wrong command line
// (exit 2), each named with where its value came from.
func resolveServe(cmd *cobra.Command, c *serverConfig, configPath string) error {
	sources, problems := resolveConfig(cmd, configPath, os.LookupEnv)
	problems = append(problems, attribute(c.problems(), sources)...)
	if len(problems) > 0 {
		return usageError{cmd: cmd.CommandPath(), err: errors.New(strings.Join(problems, "; "))}
	}
	return nil
}

// checkServerConfig checks a resolved configuration as serve's start
// would, without starting anything nor writing in the data directory, and
// lists every problem. With connect it also connects to a PostgreSQL store.
func checkServerConfig(ctx context.Context, c serverConfig, connect bool) []string {
	var problems []string
	add := func(err error) {
		if err != nil {
			problems = append(problems, err.Error())
		}
	}
	problems = append(problems, c.problems()...) // the shapes: --data a directory, --store a URL
	if dataShapeProblem(c.data) == "" {
		add(checkDataDir(c.data))
		if c.role != stream.RoleWitness {
			add(checkLogKey(c.data)) // read at start as serve reads it
			for _, err := range local.CheckFiles(ctx, c.data, c.store) {
				add(err) // the stores and the mediation key, read only
			}
		}
	}
	as, err := loadAgreements(c.agreements)
	add(err)
	agreementsOK := err == nil
	if agreementsOK && as[0].Monitoring == nil {
		add(accord.Errorf(accord.EINVALID, "the main agreement %s (the first --agreement) has no monitoring section", as[0].ID))
	}
	if _, err := readWitnessKeys(c.witnessKeys); err != nil {
		add(err) // it names --witness-key
	}
	var keys map[string]string
	if agreementsOK {
		keys, err = agreedKeys(as)
		add(err)
	}
	if _, err := registry(keys, c.keys); err != nil {
		add(fmt.Errorf("--keys: %w", err))
	}
	var negotiators []string
	scenarioOK := true
	if c.scenario != "none" {
		sc, err := loadScenario(c.scenario)
		if err != nil {
			add(fmt.Errorf("--scenario: %w", err))
			scenarioOK = false
		} else {
			for _, p := range sc.Parties {
				negotiators = append(negotiators, p.ID)
			}
		}
	}
	if c.role == stream.RoleWitness {
		// What the witness node reads at start, read as it reads it.
		if c.witness.key != "" {
			_, err := readSigner("--key", c.witness.key)
			add(err)
		}
		if c.witness.logKey != "" {
			_, err := readVerifier("--witness-log-key", c.witness.logKey)
			add(err)
		}
		if c.witness.tokenFile != "" {
			if _, err := os.ReadFile(c.witness.tokenFile); err != nil {
				add(fmt.Errorf("--witness-token-file %s: %v", c.witness.tokenFile, err))
			}
		}
	} else if c.tokens != "" {
		auth, err := readTokens(c.tokens)
		add(err)
		if err == nil && agreementsOK && scenarioOK {
			add(checkTokens(c.tokens, auth.Tokens, as, negotiators))
		}
	}
	if connect && checkStore(ctx, c.store, false) == nil {
		add(checkStore(ctx, c.store, true)) // its shape is one of c.problems()
	}
	add(checkStream(ctx, c, connect))
	return problems
}

// checkDataDir checks that the data directory can be written in, or made
// where it does not exist yet, by its permissions: nothing is written
// there, not even for a moment (the directory's modification time stays).
func checkDataDir(dir string) error {
	d := dir
	for {
		st, err := os.Stat(d)
		if err == nil {
			if !st.IsDir() {
				return fmt.Errorf("--data %s: %s is not a directory", dir, d)
			}
			if err := local.CanWrite(d); err != nil {
				return fmt.Errorf("--data %s: cannot write in %s: %v; choose another --data or fix its permissions", dir, d, err)
			}
			if d == dir {
				return local.CheckLock(dir) // another process serves it
			}
			return nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("--data %s: %v", dir, err)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return fmt.Errorf("--data %s: no existing parent directory", dir)
		}
		d = parent
	}
}

// checkStore checks the store: sqlite, or a PostgreSQL URL that parses
// and, with connect, a server that answers (nothing is migrated).
func checkStore(ctx context.Context, store string, connect bool) error {
	switch {
	case store == "" || store == "sqlite":
		return nil
	case !local.IsPostgres(store):
		return fmt.Errorf("--store %q: want sqlite (files in the data directory) or a PostgreSQL URL postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE", pgstore.Redact(store))
	}
	name := pgstore.Redact(store)
	// Parsed as serve's pool parses it (pgstore.OpenWith): its own
	// settings (pool_max_conns, ...) checked, and not sent to the server.
	if _, err := pgxpool.ParseConfig(store); err != nil {
		return fmt.Errorf("--store postgres %s: not a PostgreSQL URL (want postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable]): %v", name, err)
	}
	if !connect {
		return nil
	}
	// Connected as serve's start connects, and said as it says it; the
	// connection's own bound (pgstore.DefaultConnectTimeout, or the URL's
	// connect_timeout) says a silent server as such, this one bounds the
	// rest.
	ctx, cancel := context.WithTimeout(ctx, pgstore.DefaultConnectTimeout+5*time.Second)
	defer cancel()
	if err := pgstore.Check(ctx, store); err != nil {
		return fmt.Errorf("--store %w", err)
	}
	return nil
}

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "The server's configuration: check it",
	}
	cmd.AddCommand(newConfigCheckCmd())
	return cmd
}

func newConfigCheckCmd() *cobra.Command {
	var (
		c          serverConfig
		configPath string
		connect    bool
		asJSON     bool
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Resolve the server's configuration as serve would, print it with its sources and check it",
		Long: `check resolves the configuration exactly as 'accord serve' does (flags,
environment ACCORD_*, --config FILE, defaults), prints every setting with its
value and where it came from (a PostgreSQL password redacted), and checks it
without starting the server: the address is HOST:PORT, limits and timeouts
are positive, the agreements load as a set, the scenario loads, the keys and
witness keys parse, the tokens file parses and matches the agreements, the
data directory can be written (by its permissions: nothing is written
there), the files a start reads in it are whole (log.key and log.pub,
accord.db and incidents.db, the ledger and its saved tree ledger.tree,
mediation.key: read only, each damaged one named with what is wrong), the
store URL parses and, with --connect, the
PostgreSQL server answers; the stream flags are consistent and, with
--connect, NATS answers at --stream with JetStream. Exit 0 when valid, 1 with every problem listed,
2 on a wrong command line.

` + configHelp,
		Args: exactArgs(0, "no argument"),
		RunE: func(cmd *cobra.Command, args []string) error {
			sources, problems := resolveConfig(cmd, configPath, os.LookupEnv)
			problems = append(problems, attribute(checkServerConfig(cmd.Context(), c, connect), sources)...)
			out := cmd.OutOrStdout()
			if asJSON {
				if problems == nil {
					problems = []string{}
				}
				b, err := json.MarshalIndent(struct {
					Valid    bool           `json:"valid"`
					Settings []configSource `json:"settings"`
					Problems []string       `json:"problems"`
				}{len(problems) == 0, sources, problems}, "", "  ")
				if err != nil {
					return err
				}
				fmt.Fprintln(out, string(b))
			} else {
				tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "SETTING\tVALUE\tFROM")
				for _, s := range sources {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Key, s.Value, s.Source)
				}
				tw.Flush()
				if len(problems) == 0 {
					fmt.Fprintln(out, "configuration valid")
				}
			}
			if len(problems) > 0 {
				return accord.Errorf(accord.EINVALID, "invalid configuration (%d problem(s)):\n  %s", len(problems), strings.Join(problems, "\n  "))
			}
			return nil
		},
	}
	c.register(cmd, "accord-data")
	registerConfigFile(cmd, &configPath)
	cmd.Flags().BoolVar(&connect, "connect", false, "also connect to a PostgreSQL store and to NATS at --stream (nothing is written)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the settings and problems as JSON")
	return cmd
}
