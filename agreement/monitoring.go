package agreement

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/accord-peace/accord"
	"github.com/accord-peace/accord/cond"
	"github.com/accord-peace/accord/geo"
)

// Monitoring is the monitoring section.
type Monitoring struct {
	// GeometryFile is the GeoJSON file of the contact line and the zones,
	// relative to the agreement file.
	GeometryFile string `yaml:"geometry"`
	// Sides names the party holding each side of the contact line, seen
	// along the line's direction.
	Sides      Sides       `yaml:"sides"`
	Bands      []Band      `yaml:"bands"`
	Zones      []ZoneRule  `yaml:"zone_rules"`
	Crossing   *Crossing   `yaml:"crossing"`
	Overflight *Overflight `yaml:"overflight"`
	Ceilings   []Ceiling   `yaml:"ceilings"`
	// Presence lists the duties to report presence (presence.go).
	Presence []Presence `yaml:"presence"`
	// Corridor, when set, is a maritime corridor whose vessels are tracked
	// (corridor.go).
	Corridor *Corridor `yaml:"corridor"`

	// Geometry is the parsed geometry file.
	Geometry *geo.Geometry `yaml:"-"`
}

// Sides names the parties on the left and right of the line.
type Sides struct {
	Left  string `yaml:"left"`
	Right string `yaml:"right"`
}

// Party returns the party holding side s (+1 left, −1 right), "" for 0.
func (s Sides) Party(side int8) string {
	switch side {
	case 1:
		return s.Left
	case -1:
		return s.Right
	}
	return ""
}

// Other returns the party facing p across the line.
func (s Sides) Other(p string) string {
	if p == s.Left {
		return s.Right
	}
	return s.Left
}

// MaxBandKM is the farthest a band may reach from the contact line, in km:
// the geometry kernel's bound (geo.MaxBandM, 200 km). The kernel covers the
// line's neighbourhood out to the farthest band; a band of 2,000 km made
// 'accord monitor run' run out of memory. The withdrawal bands of the Minsk
// texts reach 15 to 70 km from the line.
const MaxBandKM = geo.MaxBandM / 1000

// Band is a withdrawal band: weapons of its classes, of the calibers it
// governs, must stay at least DistanceKM from the contact line — on either
// side, or on the sides of the parties it names.
type Band struct {
	ID        string   `yaml:"id"`
	Equipment []string `yaml:"equipment"`
	// The calibers governed, for every class of the band: at least
	// MinCaliberMM, at most MaxCaliberMM, below BelowCaliberMM (0: no
	// bound). Calibers gives a class its own range instead.
	MinCaliberMM   float64                 `yaml:"min_caliber_mm"`
	MaxCaliberMM   float64                 `yaml:"max_caliber_mm"`
	BelowCaliberMM float64                 `yaml:"below_caliber_mm"`
	Calibers       map[string]CaliberRange `yaml:"calibers"`
	// Parties, when set, limits the band to the sides these parties hold
	// (a withdrawal by one side only).
	Parties    []string `yaml:"parties"`
	DistanceKM float64  `yaml:"distance_km"`
	Provision  string   `yaml:"provision"`
	Source     string   `yaml:"source"`
	InForce    `yaml:",inline"`
}

// CaliberRange is a range of calibers in millimetres: at least MinMM, at
// most MaxMM, below BelowMM (0: no bound).
type CaliberRange struct {
	MinMM   float64 `yaml:"min_mm"`
	MaxMM   float64 `yaml:"max_mm"`
	BelowMM float64 `yaml:"below_mm"`
}

// Contains reports whether a caliber is in the range; an unknown caliber (0)
// is: a weapon of a band's class whose caliber nobody reported is judged by
// every band of its class.
func (r CaliberRange) Contains(c float64) bool {
	if c == 0 {
		return true
	}
	return (r.MinMM == 0 || c >= r.MinMM) && (r.MaxMM == 0 || c <= r.MaxMM) && (r.BelowMM == 0 || c < r.BelowMM)
}

// Range is the range of calibers the band governs for a class.
func (b *Band) Range(equipment string) CaliberRange {
	if r, ok := b.Calibers[equipment]; ok {
		return r
	}
	return CaliberRange{MinMM: b.MinCaliberMM, MaxMM: b.MaxCaliberMM, BelowMM: b.BelowCaliberMM}
}

// Applies reports whether the band governs a weapon of this class and
// caliber (0: not reported; the band then applies, the class being one it
// names).
func (b *Band) Applies(equipment string, caliberMM float64) bool {
	return slices.Contains(b.Equipment, equipment) && b.Range(equipment).Contains(caliberMM)
}

// AppliesTo reports whether the band binds the party holding a side (every
// party when the band names none).
func (b *Band) AppliesTo(party string) bool {
	return len(b.Parties) == 0 || slices.Contains(b.Parties, party)
}

// ZoneRule forbids event kinds inside a zone, or inside every zone of a role.
type ZoneRule struct {
	Zone   string   `yaml:"zone"`
	Role   string   `yaml:"role"`
	Forbid []string `yaml:"forbid"`
	// Equipment, when set, limits the rule to incidents of these classes
	// (no tanks in the zone; armoured personnel carriers allowed).
	Equipment []string `yaml:"equipment"`
	// Fire says where fire counts: "on" the zone (the incident, an impact,
	// is inside it: the default) or "from" it (the shot's origin is).
	Fire string `yaml:"fire"`
	// Parties, when set, limits the rule to the parties named: it is broken
	// only by them (a restricted area for one party).
	Parties   []string `yaml:"parties"`
	Provision string   `yaml:"provision"`
	InForce   `yaml:",inline"`
}

// Fire places of a zone rule.
const (
	FireOn   = "on"
	FireFrom = "from"
)

// Binds reports whether the rule binds a party (every party when it names
// none).
func (z *ZoneRule) Binds(party string) bool {
	return len(z.Parties) == 0 || slices.Contains(z.Parties, party)
}

// Governs reports whether the rule concerns an incident of this class.
func (z *ZoneRule) Governs(equipment string) bool {
	return len(z.Equipment) == 0 || slices.Contains(z.Equipment, equipment)
}

// Crossing forbids fire across the contact line: every shot whose origin
// and impact lie on different sides, or only shots of the classes and
// event kinds it names (artillery fire, not reconnaissance).
type Crossing struct {
	Equipment []string `yaml:"equipment"`
	Events    []string `yaml:"events"`
	Provision string   `yaml:"provision"`
	InForce   `yaml:",inline"`
}

// Governs reports whether the rule concerns fire of this class and these
// event kinds.
func (c *Crossing) Governs(equipment string, events map[string]bool) bool {
	if len(c.Equipment) > 0 && !slices.Contains(c.Equipment, equipment) {
		return false
	}
	if len(c.Events) == 0 {
		return true
	}
	for _, e := range c.Events {
		if events[e] {
			return true
		}
	}
	return false
}

// Overflight forbids flights over the contact line: a flight path (of an
// aircraft or a drone, or the kinds it names) with positions on both sides.
type Overflight struct {
	Events    []string `yaml:"events"` // default: aircraft, drone
	Provision string   `yaml:"provision"`
	InForce   `yaml:",inline"`
}

// Kinds are the event kinds whose paths the rule judges.
func (o *Overflight) Kinds() []string {
	if len(o.Events) > 0 {
		return o.Events
	}
	return []string{"aircraft", "drone"}
}

// Ceiling caps the count of one equipment class (Equipment), or of several
// combined (Classes), inside a zone, counted from distinct incidents, for
// each party or the parties named, at any one time or over a day.
type Ceiling struct {
	Zone      string   `yaml:"zone"`
	Equipment string   `yaml:"equipment"`
	Classes   []string `yaml:"classes"`
	Parties   []string `yaml:"parties"`
	// Basis is "instant" (the default: weapons present at the same time)
	// or "day" (weapons present at any time in the same UTC day).
	Basis     string `yaml:"basis"`
	Max       int    `yaml:"max"`
	Provision string `yaml:"provision"`
	InForce   `yaml:",inline"`
}

// Ceiling bases.
const (
	BasisInstant = "instant"
	BasisDay     = "day"
)

// Counts reports whether the ceiling counts a class.
func (c *Ceiling) Counts(equipment string) bool {
	return equipment != "" && (equipment == c.Equipment || slices.Contains(c.Classes, equipment))
}

// Binds reports whether the ceiling binds a party.
func (c *Ceiling) Binds(party string) bool {
	return len(c.Parties) == 0 || slices.Contains(c.Parties, party)
}

// IsCeilingRule reports whether a rule is a ceiling's: one that incidents
// break together (the count in a zone), not one incident by itself.
func IsCeilingRule(rule string) bool { return strings.HasPrefix(rule, "ceiling:") }

// Rule is the ceiling's rule name: ceiling:ZONE:CLASS, the classes joined
// by "+" when several are combined.
func (c *Ceiling) Rule() string {
	if c.Equipment != "" {
		return "ceiling:" + c.Zone + ":" + c.Equipment
	}
	return "ceiling:" + c.Zone + ":" + strings.Join(c.Classes, "+")
}

// Events and Equipments are the kinds the observation contract defines.
var (
	Events = []string{"firing", "explosion", "impact", "heavy_weapon", "troop_concentration",
		"aircraft", "drone", "strike", "mine", "movement_restriction", "other", accord.EventVessel, accord.EventInspection, "presence"}
	Equipments = []string{"tank", "acv", "artillery", "mortar", "mlrs", "heavy_mlrs", "missile",
		"aircraft", "helicopter", "air_defence", "drone"}
)

// Load reads an agreement file and the geometry it names.
func Load(path string) (*Agreement, error) {
	return load(os.ReadFile, filepath.Join, path)
}

// LoadFS reads an agreement file from a file system (the embedded reference
// data, for one) and the geometry it names.
func LoadFS(fsys fs.FS, name string) (*Agreement, error) {
	read := func(n string) ([]byte, error) { return fs.ReadFile(fsys, n) }
	return load(read, path.Join, name)
}

func load(read func(string) ([]byte, error), join func(...string) string, path string) (*Agreement, error) {
	data, err := read(path)
	if err != nil {
		return nil, &accord.Error{Code: accord.ENOTFOUND, Message: "agreement " + path, Err: err}
	}
	a, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	if err := a.bindGeometry(read, join, path); err != nil {
		return nil, err
	}
	a.path = path
	return a, nil
}

// bindGeometry reads the geometry the monitoring section names, beside the
// agreement file, and binds it.
func (a *Agreement) bindGeometry(read func(string) ([]byte, error), join func(...string) string, path string) error {
	if a.Monitoring != nil {
		gpath := join(filepath.Dir(path), a.Monitoring.GeometryFile)
		gdata, err := read(gpath)
		if err != nil {
			return &accord.Error{Code: accord.EINVALID, Message: fmt.Sprintf("%s: monitoring.geometry", path), Err: err}
		}
		g, err := geo.ParseGeoJSONWith(gpath, gdata, geo.ParseOptions{LineOptional: !a.Monitoring.NeedsLine()})
		if err != nil {
			return &accord.Error{Code: accord.EINVALID, Message: "invalid geometry", Err: err}
		}
		if err := a.Monitoring.bind(path, g); err != nil {
			return err
		}
	}
	return nil
}

// Parse reads an agreement from YAML, refusing unknown fields. The geometry
// is not read: Load does that.
//
// Its conditions may not name other agreements (AGREEMENT/NAME): a file
// that does is refused with the agreements it needs; ParseSet reads it
// with them.
func Parse(name string, data []byte) (*Agreement, error) {
	a, err := decode(name, data)
	if err != nil {
		return nil, err
	}
	if err := a.validate(data, nil); err != nil {
		return nil, err
	}
	return a, nil
}

// decode reads an agreement from YAML, refusing unknown fields and the
// numbers the decoder would get wrong (checkNumbers), without checking it.
func decode(name string, data []byte) (*Agreement, error) {
	if probs := checkNumbers(data); len(probs) > 0 {
		return nil, &accord.Error{Code: accord.EINVALID, Message: name, Err: errors.New(strings.Join(probs, "\n"))}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var a Agreement
	if err := dec.Decode(&a); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, accord.Errorf(accord.EINVALID, "%s: empty: an agreement is a YAML document (agreement, parties, provisions, phases, ...; docs/agreement.md)", name)
		}
		if scenarioShaped(data) {
			return nil, accord.Errorf(accord.EINVALID, "%s: a negotiation scenario (issues, positions: spec/scenario.md), not an agreement; an agreement file has agreement:, parties:, provisions: (docs/agreement.md), and 'accord agreement draft' writes one from a scenario's package", name)
		}
		return nil, &accord.Error{Code: accord.EINVALID, Message: name, Err: err}
	}
	a.file = name
	return &a, nil
}

// scenarioShaped tells a negotiation scenario given where an agreement is
// wanted: a YAML mapping with issues and positions and no agreement key.
func scenarioShaped(data []byte) bool {
	var top map[string]any
	if yaml.Unmarshal(data, &top) != nil {
		return false
	}
	_, issues := top["issues"]
	_, positions := top["positions"]
	_, agreement := top["agreement"]
	return issues && positions && !agreement
}

// validate checks a decoded agreement; others are the names of the other
// agreements of its set (nil: it is checked alone).
func (a *Agreement) validate(data []byte, others map[string]cond.Names) error {
	name := a.file
	var probs []string
	add := func(f string, args ...any) { probs = append(probs, fmt.Sprintf(f, args...)) }
	if a.ID == "" {
		add("agreement: missing id")
	}
	if m := a.Monitoring; m != nil {
		if m.GeometryFile == "" {
			add("monitoring.geometry: missing (the GeoJSON file of the line and zones)")
		}
		if m.NeedsLine() && (m.Sides.Left == "" || m.Sides.Right == "" || m.Sides.Left == m.Sides.Right) {
			add("monitoring.sides: name two different parties, left and right of the line's direction")
		}
		for _, side := range []string{m.Sides.Left, m.Sides.Right} {
			if len(a.Parties) > 0 && side != "" && !slices.Contains(a.Parties, side) {
				add("monitoring.sides: %q is not among the parties %v", side, a.Parties)
			}
		}
		ids := map[string]bool{}
		for i, b := range m.Bands {
			at := fmt.Sprintf("monitoring.bands[%d]", i)
			if b.ID == "" || ids[b.ID] {
				add("%s.id: missing or repeated %q", at, b.ID)
			}
			ids[b.ID] = true
			if len(b.Equipment) == 0 {
				add("%s.equipment: name at least one class", at)
			}
			for _, e := range b.Equipment {
				if !slices.Contains(Equipments, e) {
					add("%s.equipment: unknown class %q (want one of %s)", at, e, strings.Join(Equipments, ", "))
				}
			}
			switch {
			case !(b.DistanceKM > 0):
				add("%s.distance_km: must be > 0, got %v (band %q)", at, b.DistanceKM, b.ID)
			case b.DistanceKM > MaxBandKM:
				add("%s.distance_km: %v km from the line is beyond what the monitor can judge (band %q): at most %d km (withdrawal bands of the Minsk texts reach 15 to 70 km)", at, b.DistanceKM, b.ID, MaxBandKM)
			}
			if b.Provision == "" {
				add("%s.provision: missing", at)
			}
		}
		if len(m.Bands) > geo.MaxBands {
			add("monitoring.bands: at most %d", geo.MaxBands)
		}
		for i, z := range m.Zones {
			at := fmt.Sprintf("monitoring.zone_rules[%d]", i)
			if (z.Zone == "") == (z.Role == "") {
				add("%s: name either a zone or a role", at)
			}
			if z.Role != "" && !slices.Contains(geo.Roles, z.Role) {
				add("%s.role: unknown role %q (want one of %s)", at, z.Role, strings.Join(geo.Roles, ", "))
			}
			if len(z.Forbid) == 0 {
				add("%s.forbid: name at least one event kind", at)
			}
			for _, e := range z.Forbid {
				if !slices.Contains(Events, e) {
					add("%s.forbid: unknown event kind %q", at, e)
				}
			}
			if z.Provision == "" {
				add("%s.provision: missing", at)
			}
		}
		probs = append(probs, a.checkRules()...)
		probs = append(probs, a.checkPresence()...)
		probs = append(probs, a.checkCorridor()...)
		if m.Crossing != nil && m.Crossing.Provision == "" {
			add("monitoring.crossing.provision: missing")
		}
		for i, c := range m.Ceilings {
			at := fmt.Sprintf("monitoring.ceilings[%d]", i)
			if (c.Equipment == "") == (len(c.Classes) == 0) {
				add("%s: name one class (equipment) or several combined (classes), not both", at)
			}
			for _, e := range append([]string{c.Equipment}, c.Classes...) {
				if e != "" && !slices.Contains(Equipments, e) {
					add("%s.equipment: unknown class %q", at, e)
				}
			}
			if c.Basis != "" && c.Basis != BasisInstant && c.Basis != BasisDay {
				add("%s.basis: %q: want %q (at any one time) or %q (over a UTC day)", at, c.Basis, BasisInstant, BasisDay)
			}
			if c.Max < 0 {
				add("%s.max: must be ≥ 0", at)
			}
			if c.Zone == "" {
				add("%s.zone: missing", at)
			}
			if c.Provision == "" {
				add("%s.provision: missing", at)
			}
		}
	}
	probs = append(probs, a.checkPhased(others)...)
	if needs := a.Needs(); others == nil && len(needs) > 0 {
		add("agreement: its conditions refer to other agreements: it needs %s; check it together with their files, as a set (accord agreement check %s OTHER.yaml...)", strings.Join(needs, ", "), name)
	}
	a.lines = fieldLines(data)
	if len(probs) > 0 {
		for i := range probs {
			probs[i] = locate(a.lines, probs[i])
		}
		return &accord.Error{Code: accord.EINVALID, Message: name, Err: errors.New(strings.Join(probs, "\n"))}
	}
	return nil
}

// bind attaches the geometry and checks the zone ids the rules name.
func (m *Monitoring) bind(name string, g *geo.Geometry) error {
	var probs []string
	for i, z := range m.Zones {
		if z.Zone != "" && g.Zone(z.Zone) == nil {
			probs = append(probs, fmt.Sprintf("monitoring.zone_rules[%d].zone: no zone %q in %s", i, z.Zone, m.GeometryFile))
		}
	}
	for i, c := range m.Ceilings {
		if g.Zone(c.Zone) == nil {
			probs = append(probs, fmt.Sprintf("monitoring.ceilings[%d].zone: no zone %q in %s", i, c.Zone, m.GeometryFile))
		}
	}
	probs = append(probs, m.bindPresence(g)...)
	probs = append(probs, m.bindCorridor(g)...)
	if m.NeedsLine() && len(g.Parts) == 0 {
		probs = append(probs, fmt.Sprintf("monitoring.geometry: %s has no contact line, which the sides, bands, crossing and overflight are measured from", m.GeometryFile))
	}
	if len(probs) > 0 {
		return &accord.Error{Code: accord.EINVALID, Message: name, Err: errors.New(strings.Join(probs, "\n"))}
	}
	m.Geometry = g
	return nil
}

// BandDistancesM lists the bands' distances in metres, in order.
func (m *Monitoring) BandDistancesM() []float64 {
	out := make([]float64, len(m.Bands))
	for i, b := range m.Bands {
		out[i] = b.DistanceKM * 1000
	}
	return out
}
