package scenarios

import _ "embed"

// Places are the settlements of the reference geometry's region (GeoNames,
// CC BY 4.0; places/README.md): a TSV of country, name, lat, lon, after
// two lines of comment.
//
//go:embed places/geonames-region.tsv
var Places []byte
