package synth_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/accord-peace/accord/synth"
)

// TestGenerateContext: a done context stops the generation with its error;
// otherwise GenerateContext is Generate.
func TestGenerateContext(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	c := synth.Config{Issues: 3000, Options: 3, Parties: 2, Seed: 4}
	for _, tc := range []struct {
		ctx  context.Context
		want error
	}{
		{context.Background(), nil},
		{cancelled, context.Canceled},
	} {
		s, err := synth.GenerateContext(tc.ctx, c)
		if !errors.Is(err, tc.want) || tc.want == nil && (err != nil || !reflect.DeepEqual(s, synth.Generate(c))) {
			t.Errorf("context %v: %v", tc.ctx, err)
		}
	}
}
