package sim

import (
	"math"
	"strconv"
	"time"

	"github.com/golang/geo/s2"
)

// Rules a true event can break, as the truth file names them.
const (
	RuleBand          = "band"           // a weapon inside its withdrawal band: "band:<equipment>"
	RuleCrossing      = "crossing"       // fire across the contact line
	RuleProtectedSite = "protected_site" // a strike on a protected site: "protected_site:<id>"
	RuleZone          = "zone"           // troops inside the demilitarised strip: "zone:dmz"
)

// event is one true event.
type event struct {
	id        string
	kind      string // spec event kind
	equipment string
	caliber   int
	at        time.Time
	pos       s2.Point  // where it is (impact for a shot)
	origin    *s2.Point // shots: where it came from
	along     float64   // position along the line (m), for sensors with a reach
	violation string    // "" when none
	party     string    // who broke the rule
	sidePos   string    // the party holding the side where pos is
	others    []Verdict // every rule the judge found broken
}

// Band is a withdrawal distance for one equipment class, per side (metres).
type Band struct {
	ID        string // the agreed band's id; the equipment class when empty
	Equipment string
	CaliberMM int     // caliber reported for the class (0: none)
	DistanceM float64 // the weapon must stay at least this far from the line
}

// ProtectedSite is a site no strike may hit.
type ProtectedSite struct {
	ID      string
	Lon     float64
	Lat     float64
	RadiusM float64
}

// draw makes one true event at time t.
func (g *generator) draw(t time.Time, n int) event {
	ev := event{id: "ev-" + strconv.Itoa(n), at: t}
	s := g.rng.Float64() * g.line.length()
	p, left := g.line.at(s)
	ev.along = s
	side := g.rng.IntN(2) // 0: left of the line's direction, 1: right
	dir := left
	if side == 1 {
		dir = s2.Point{Vector: left.Mul(-1)}
	}
	owner, other := g.cfg.Sides[side], g.cfg.Sides[1-side]
	ev.sidePos = owner
	switch r := g.rng.Float64(); {
	case r < 0.35: // a heavy weapon, inside its band half of the time
		b := g.cfg.Bands[g.rng.IntN(len(g.cfg.Bands))]
		ev.kind, ev.equipment, ev.caliber = "heavy_weapon", b.Equipment, b.CaliberMM
		d := b.DistanceM * (1.1 + g.rng.Float64())
		if g.rng.Float64() < 0.5 {
			d = b.DistanceM * (0.1 + 0.8*g.rng.Float64())
			id := b.ID
			if id == "" {
				id = b.Equipment
			}
			ev.violation, ev.party = RuleBand+":"+id, owner
		}
		ev.pos = offset(p, dir, d)
	case r < 0.65: // a shot, heard rather than seen (no weapon class): across the line (a violation) or within its own side
		ev.kind = "firing"
		o := offset(p, dir, 4000+12000*g.rng.Float64())
		ev.origin = &o
		if g.rng.Float64() < 0.7 {
			ev.pos = offset(p, dir, -(1000 + 8000*g.rng.Float64()))
			ev.violation, ev.party, ev.sidePos = RuleCrossing, owner, other
		} else {
			ev.pos = offset(p, dir, 25000+5000*g.rng.Float64()) // a range far behind its own lines
		}
	case r < 0.80: // an explosion near the line, nobody to blame from the event alone
		ev.kind = "explosion"
		ev.pos = offset(p, dir, 500+6000*g.rng.Float64())
	case r < 0.92: // troops moving: inside the demilitarised strip or not
		ev.kind = "troop_concentration"
		d := g.cfg.DMZHalfWidthM * (1.5 + 2*g.rng.Float64())
		if g.rng.Float64() < 0.5 {
			d = g.cfg.DMZHalfWidthM * g.rng.Float64() * 0.9
			ev.violation, ev.party = RuleZone+":"+g.cfg.DMZZone, owner
		}
		ev.pos = offset(p, dir, d)
	default: // a strike: on a protected site when there is one
		ev.kind = "strike"
		if len(g.cfg.Sites) > 0 && g.rng.Float64() < 0.2 {
			site := g.cfg.Sites[g.rng.IntN(len(g.cfg.Sites))]
			c := s2.PointFromLatLng(s2.LatLngFromDegrees(site.Lat, site.Lon))
			ev.pos = offset(c, s2.Point{Vector: c.Vector.Ortho()}, site.RadiusM*0.5*g.rng.Float64())
			attacker := g.rng.IntN(2)
			ev.violation, ev.party = RuleProtectedSite+":"+site.ID, g.cfg.Sides[attacker]
			ev.along = g.alongOf(c)
			// Launched from 10 to 30 km behind the attacker's side of the line.
			lp, lleft := g.line.at(ev.along)
			adir := lleft
			if attacker == 1 {
				adir = s2.Point{Vector: lleft.Mul(-1)}
			}
			o := offset(lp, adir, 10000+20000*g.rng.Float64())
			ev.origin = &o
		} else {
			ev.pos = offset(p, dir, -(2000 + 10000*g.rng.Float64()))
			ev.sidePos = other
		}
	}
	return ev
}

// alongOf is the position along the line of the vertex nearest to c.
func (g *generator) alongOf(c s2.Point) float64 {
	best, at := math.Inf(1), 0.0
	for i, p := range g.line.pts {
		if d := distanceM(p, c); d < best {
			best, at = d, g.line.cum[i]
		}
	}
	return at
}
