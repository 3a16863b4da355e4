// Package synth generates synthetic negotiation scenarios of any size, with a
// known structure: options of each issue lie on a line, each party has an
// ideal point per issue and values options by their distance to it, red lines
// sit at the far ends, and reservation values are set so that a hidden
// compromise package stays acceptable. Used by benchmarks and load tests; the
// same seed gives the same scenario.
package synth

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/accord-peace/accord"
)

// Config sizes a synthetic scenario.
type Config struct {
	Issues, Options, Parties int
	Veto                     int     // veto parties (the first ones); all when 0
	Seed                     uint64  // random seed
	Slack                    float64 // how far below the compromise the BATNAs sit (0..100); 8 when 0
	// Uniform draws every utility uniformly from 0..100 instead of from
	// distances to ideal points: no structure for the search to exploit.
	Uniform bool
}

// Generate returns a valid scenario for the config.
func Generate(c Config) *accord.Scenario {
	s, _ := GenerateContext(context.Background(), c)
	return s
}

// checkEvery is how many issues pass between two looks at the context.
const checkEvery = 1 << 10

// GenerateContext is Generate, stopped soon after ctx is done (every
// thousand issues or so): it then returns an error wrapping ctx's.
func GenerateContext(ctx context.Context, c Config) (*accord.Scenario, error) {
	stopped := func(k int) error {
		if k%checkEvery != 0 || ctx.Err() == nil {
			return nil
		}
		return fmt.Errorf("synth: stopped: %w", context.Cause(ctx))
	}
	if c.Veto == 0 || c.Veto > c.Parties {
		c.Veto = c.Parties
	}
	if c.Slack == 0 {
		c.Slack = 8
	}
	rng := rand.New(rand.NewPCG(c.Seed, 0x5eed))
	s := &accord.Scenario{
		ID:        fmt.Sprintf("synth-%dx%dx%d-%d", c.Issues, c.Options, c.Parties, c.Seed),
		Title:     fmt.Sprintf("Synthetic scenario: %d issues × %d options × %d parties (seed %d)", c.Issues, c.Options, c.Parties, c.Seed),
		Positions: map[string]*accord.Position{},
	}
	tracks := max(1, c.Issues/4)
	for t := 0; t < tracks; t++ {
		s.Tracks = append(s.Tracks, accord.Track{ID: fmt.Sprintf("t%d", t), Name: fmt.Sprintf("Track %d", t)})
	}
	for k := 0; k < c.Issues; k++ {
		if err := stopped(k); err != nil {
			return nil, err
		}
		is := accord.Issue{ID: fmt.Sprintf("i%d", k), Track: s.Tracks[k%tracks].ID, Question: fmt.Sprintf("Issue %d", k)}
		for o := 0; o < c.Options; o++ {
			is.Options = append(is.Options, accord.Option{ID: fmt.Sprintf("o%d", o), Label: fmt.Sprintf("Option %d", o), Nature: accord.NaturePermanent})
		}
		s.Issues = append(s.Issues, is)
	}
	compromise := make([]int, c.Issues)
	for k := range compromise {
		compromise[k] = rng.IntN(c.Options)
	}
	for i := 0; i < c.Parties; i++ {
		id := fmt.Sprintf("p%d", i)
		s.Parties = append(s.Parties, accord.Party{ID: id, Name: fmt.Sprintf("Party %d", i), Veto: i < c.Veto, Roles: map[string]string{}})
		pos := &accord.Position{Issues: map[string]accord.IssuePosition{}}
		total, atCompromise := 0.0, 0.0
		for k, is := range s.Issues {
			if err := stopped(k); err != nil {
				return nil, err
			}
			ideal := rng.Float64() * float64(c.Options-1)
			w := math.Round(rng.Float64()*rng.Float64()*10*100) / 100
			ip := accord.IssuePosition{Weight: w, Utility: map[string]float64{}}
			for o, opt := range is.Options {
				d := math.Abs(float64(o)-ideal) / math.Max(1, float64(c.Options-1))
				ip.Utility[opt.ID] = math.Round(100 * (1 - d))
				if c.Uniform {
					ip.Utility[opt.ID] = float64(rng.IntN(101))
				}
			}
			// The option farthest from the ideal is a red line, now and then.
			far := 0
			if ideal < float64(c.Options-1)/2 {
				far = c.Options - 1
			}
			if c.Options > 2 && far != compromise[k] && rng.Float64() < 0.15 {
				ip.RedLines = []string{is.Options[far].ID}
			}
			pos.Issues[is.ID] = ip
			total += w
			atCompromise += w * ip.Utility[is.Options[compromise[k]].ID]
		}
		if total > 0 {
			atCompromise /= total
		}
		pos.BATNA = math.Max(0, math.Round(atCompromise-c.Slack*rng.Float64()))
		if i%2 == 1 && c.Issues >= 2 {
			pos.Interactions = []accord.Interaction{{
				When:  map[string]string{s.Issues[0].ID: s.Issues[0].Options[0].ID, s.Issues[1].ID: s.Issues[1].Options[c.Options-1].ID},
				Bonus: -10,
			}}
		}
		s.Positions[id] = pos
	}
	return s, nil
}
