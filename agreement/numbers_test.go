package agreement_test

import (
	"os"
	"strings"
	"testing"

	"github.com/accord-peace/accord/agreement"
)

// A number the YAML decoder would take without a word and get wrong is
// refused with its line and path: a number that is not finite in a float
// field (a NaN distance passed the check, then 'accord monitor run' called
// it a bug; a NaN min_caliber_mm made the band judge no weapon), a fraction
// in a whole-number field (quorum: 2.5 became 2, response_days: 3.9 became
// 3). Whole numbers written as floats, and the same words in text fields,
// are still read.
func TestNumbersTheDecoderWouldGetWrong(t *testing.T) {
	const dir = "../scenarios/ukraine-2025/"
	tests := []struct{ name, file, old, new, want string }{
		{"NaN distance", "agreement.yaml", "distance_km: 25\n", "distance_km: .nan\n", "line 151: monitoring.bands[0].distance_km: want a finite number, got .nan"},
		{"infinite distance", "agreement.yaml", "distance_km: 25\n", "distance_km: .inf\n", "line 151: monitoring.bands[0].distance_km: want a finite number, got .inf"},
		{"minus infinite distance", "agreement.yaml", "distance_km: 25\n", "distance_km: -.Inf\n", "line 151: monitoring.bands[0].distance_km: want a finite number, got -.Inf"},
		{"distance past a float", "agreement.yaml", "distance_km: 25\n", "distance_km: 1e999\n", "line 151: monitoring.bands[0].distance_km: want a finite number, got 1e999"},
		{"NaN min caliber", "agreement.yaml", "min_caliber_mm: 100\n", "min_caliber_mm: .nan\n", "line 150: monitoring.bands[0].min_caliber_mm: want a finite number, got .nan"},
		{"NaN class range", "agreement.yaml", "artillery: {below_mm: 100}", "artillery: {below_mm: .nan}", "line 169: monitoring.bands[3].calibers.artillery.below_mm: want a finite number, got .nan"},
		{"infinite class range", "agreement.yaml", "mortar: {max_mm: 120}", "mortar: {max_mm: .inf}", "line 170: monitoring.bands[3].calibers.mortar.max_mm: want a finite number, got .inf"},
		{"fractional quorum", "agreement.yaml", "quorum: 2\n", "quorum: 2.5\n", "line 107: consultation.quorum: want a whole number, got 2.5"},
		{"fractional days", "agreement.yaml", "response_days: 3\n", "response_days: 3.9\n", "line 103: consultation.response_days: want a whole number, got 3.9"},
		{"NaN days", "agreement.yaml", "snapback_days: 30\n", "snapback_days: .nan\n", "line 114: enforcement.snapback_days: want a whole number, got .nan"},
		{"minus infinite quorum", "agreement.yaml", "quorum: 2\n", "quorum: -.inf\n", "line 107: consultation.quorum: want a whole number, got -.inf"},
		{"quorum past an int", "agreement.yaml", "quorum: 2\n", "quorum: 1e30\n", "line 107: consultation.quorum: want a whole number, got 1e30, out of range"},
		{"fractional ceiling", "agreement.yaml", "max: 10\n", "max: 10.5\n", "line 192: monitoring.ceilings[0].max: want a whole number, got 10.5"},
		{"fractional quota", "prisoner-exchange.yaml", "quota: {min: 300,", "quota: {min: 299.5,", "line 62: provisions[2].quota.min: want a whole number, got 299.5"},
		{"fractional reports", "grain-corridor.yaml", "reports: 2\n", "reports: 1.5\n", "line 130: monitoring.corridor.outside.reports: want a whole number, got 1.5"},
		{"two problems", "agreement.yaml", "quorum: 2\n", "quorum: 2.5\n  joint_days: .nan\n", "line 108: consultation.joint_days: want a whole number, got .nan"},
		{"a NaN through an alias", "agreement.yaml", "source: Minsk Package of Measures (2015), point 2 — 50 km zone, 25 km per side\n    - id: mlrs\n      equipment: [mlrs]\n      distance_km: 35\n",
			"source: &nan .nan\n    - id: mlrs\n      equipment: [mlrs]\n      distance_km: *nan\n", "line 156: monitoring.bands[1].distance_km: want a finite number, got .nan"},
		{"a fraction merged in", "agreement.yaml", "max: 10\n", "<<: {max: 10.5}\n", "line 192: monitoring.ceilings[0].max: want a whole number, got 10.5"},
		{"a whole number written as a float", "agreement.yaml", "quorum: 2\n", "quorum: 2.0\n", ""},
		{"an exponent", "agreement.yaml", "max: 10\n", "max: 1e1\n", ""},
		{"a fractional distance", "agreement.yaml", "distance_km: 25\n", "distance_km: 25.5\n", ""},
		{".nan as text", "agreement.yaml", "source: Minsk Package of Measures (2015), point 2 — 50 km zone, 25 km per side\n", "source: .nan\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile(dir + tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), tt.old) {
				t.Fatalf("%s lacks %q", tt.file, tt.old)
			}
			doc := strings.Replace(string(data), tt.old, tt.new, 1)
			_, err = agreement.Parse(tt.file, []byte(doc))
			if tt.want == "" {
				if err != nil && !strings.Contains(err.Error(), "it needs") {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), tt.file+": line ") || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v\nwant %q", err, tt.want)
			}
		})
	}
}
