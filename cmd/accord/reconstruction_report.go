package main

import (
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/funding"
	"github.com/accord-peace/accord/report"
)

// reconstructionReport are the daily report's flags for its
// reconstruction section.
type reconstructionReport struct {
	registry, json, markdown string
}

func (f *reconstructionReport) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.registry, "registry", "", "add the reconstruction section from a server's record: its data directory (--data) or its ledger file")
	cmd.Flags().StringVar(&f.json, "reconstruction-json", "", "also write the reconstruction section as JSON to this file (needs --registry)")
	cmd.Flags().StringVar(&f.markdown, "reconstruction-md", "", "also write the reconstruction section as Markdown to this file (needs --registry)")
}

// ledger is the ledger file --registry names: the file, or the ledger of
// the data directory.
func (f *reconstructionReport) ledger() string {
	if st, err := os.Stat(f.registry); err == nil && st.IsDir() {
		return filepath.Join(f.registry, "ledger")
	}
	return f.registry
}

// inputs are the files --registry reads (the ledger and the tree saved
// beside it), which no output may name; none without --registry.
func (f *reconstructionReport) inputs() []string {
	if f.registry == "" {
		return nil
	}
	return []string{f.ledger(), f.ledger() + ".tree"}
}

// build reads the registry from the record and makes the day's section;
// nil when no --registry is given.
func (f *reconstructionReport) build(day time.Time) (*report.Reconstruction, error) {
	if f.registry == "" {
		if f.json != "" || f.markdown != "" {
			return nil, accord.Errorf(accord.EINVALID, "--reconstruction-json and --reconstruction-md need --registry (a server's data directory or ledger file)")
		}
		return nil, nil
	}
	path := f.ledger()
	// A record that does not verify is refused, naming the file, the
	// entries and what is wrong: a section of what verifies would leave out
	// what the registry acknowledged, and say so nowhere.
	log, err := funding.ReadLogFile(path)
	if err != nil {
		return nil, &accord.Error{Code: accord.ErrorCode(err), Message: "--registry", Err: err}
	}
	x, err := report.BuildReconstruction(log, day)
	if err != nil {
		// The record verifies, yet its events do not make a registry: the
		// file's content, not a bug of this command.
		return nil, &accord.Error{Code: accord.EINVALID, Message: "--registry " + path + ": its record verifies but its events do not replay", Err: err}
	}
	return x, nil
}

// write writes the section's JSON and Markdown where asked.
func (f *reconstructionReport) write(x *report.Reconstruction) error {
	if x == nil {
		return nil
	}
	if f.json != "" {
		if err := writeFileAtomic(f.json, func(out *os.File) error { _, err := out.Write(x.JSON()); return err }); err != nil {
			return err
		}
	}
	if f.markdown != "" {
		return writeFileAtomic(f.markdown, func(out *os.File) error { return x.Markdown(out) })
	}
	return nil
}
