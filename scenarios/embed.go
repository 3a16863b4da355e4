// Package scenarios embeds the reference data shipped with accord, so the
// binary runs its demo and defaults with no file beside it.
package scenarios

import "embed"

// FS holds the reference scenarios: ukraine-2025/scenario.yaml, its
// agreement.yaml and monitoring/geometry.geojson.
//
//go:embed ukraine-2025/scenario.yaml ukraine-2025/agreement.yaml ukraine-2025/monitoring/geometry.geojson
var FS embed.FS

// ReferenceScenario is the path of the reference scenario inside FS.
const ReferenceScenario = "ukraine-2025/scenario.yaml"

// ReferenceAgreement is the path of the reference agreement inside FS.
const ReferenceAgreement = "ukraine-2025/agreement.yaml"
