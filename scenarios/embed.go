// Package scenarios embeds the reference data shipped with accord, so the
// binary runs its demo and defaults with no file beside it.
package scenarios

import "embed"

// FS holds the reference scenarios: ukraine-2025/scenario.yaml, its
// agreement.yaml and monitoring/geometry.geojson, and the scenario split
// into its public part and position files (ukraine-2025/talks, written by
// accord scenario split).
//
//go:embed ukraine-2025/scenario.yaml ukraine-2025/agreement.yaml ukraine-2025/monitoring/geometry.geojson
//go:embed ukraine-2025/prisoner-exchange.yaml
//go:embed ukraine-2025/talks/public.yaml ukraine-2025/talks/positions/*.yaml
//go:embed ukraine-2025/grain-corridor.yaml ukraine-2025/monitoring/grain-corridor.geojson
var FS embed.FS

// ReferenceScenario is the path of the reference scenario inside FS.
const ReferenceScenario = "ukraine-2025/scenario.yaml"

// ReferenceAgreement is the path of the reference agreement inside FS.
const ReferenceAgreement = "ukraine-2025/agreement.yaml"

// PrisonerExchange is the path inside FS of the functional agreement on
// the exchange of prisoners, all for all, beside the reference agreement.
const PrisonerExchange = "ukraine-2025/prisoner-exchange.yaml"

// GrainCorridor is the path inside FS of the Black Sea grain corridor, a
// functional agreement run beside the reference agreement (its geometry is
// ukraine-2025/monitoring/grain-corridor.geojson).
const GrainCorridor = "ukraine-2025/grain-corridor.yaml"

// TalksPublic is the path inside FS of the reference scenario's public part.
const TalksPublic = "ukraine-2025/talks/public.yaml"

// TalksPositions is the folder inside FS of the reference scenario's
// position files, one PARTY.yaml per party.
const TalksPositions = "ukraine-2025/talks/positions"
