package geo

import (
	"encoding/json"
	"testing"

	"github.com/golang/geo/s2"
	"github.com/tidwall/geojson"
	"github.com/tidwall/geojson/geometry"
)

// naiveFull is the straightforward scan the kernel replaces
// (Kernel.NaiveFull): the distance to every segment, every band against it
// (on WGS 84 near a band's edge), and every zone.
func naiveFull(k *Kernel, p s2.Point) (uint64, ZoneSet) {
	pl := k.NaiveFull(p)
	return pl.Bands, pl.Zones
}

// tidwallZones parses the zones with github.com/tidwall/geojson, the
// geometry engine under Tile38 (planar lon/lat edges, R-tree indexed rings).
func tidwallZones(tb testing.TB, g *Geometry) []geojson.Object {
	var out []geojson.Object
	for _, z := range g.Zones {
		var coords [][][][2]float64
		for _, poly := range z.Polygons {
			var rings [][][2]float64
			for _, ring := range poly {
				rings = append(rings, append(append([][2]float64{}, ring...), ring[0]))
			}
			coords = append(coords, rings)
		}
		data, _ := json.Marshal(map[string]any{"type": "MultiPolygon", "coordinates": coords})
		obj, err := geojson.Parse(string(data), &geojson.ParseOptions{IndexChildren: 64, IndexGeometry: 64, IndexGeometryKind: geometry.QuadTree})
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, obj)
	}
	return out
}

func BenchmarkZones(b *testing.B) {
	g := testGeometry(b, 2000)
	k, err := NewKernel(g, testBands, Options{})
	if err != nil {
		b.Fatal(err)
	}
	pts := benchPoints(g, 1<<16)
	objs := tidwallZones(b, g)
	lls := tidwallPoints(pts)
	b.Run("kernel", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			_ = k.PlacePoint(pts[i&(len(pts)-1)]).Zones
		}
	})
	b.Run("tidwall-geojson", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			pt := lls[i&(len(pts)-1)]
			for _, o := range objs {
				_ = o.Contains(pt)
			}
		}
	})
}

// tidwallPoints converts points for tidwall/geojson.
func tidwallPoints(pts []s2.Point) []geojson.Object {
	out := make([]geojson.Object, len(pts))
	for i, p := range pts {
		ll := s2.LatLngFromPoint(p)
		out[i] = geojson.NewPoint(geometry.Point{X: ll.Lng.Degrees(), Y: ll.Lat.Degrees()})
	}
	return out
}

func BenchmarkNaiveFull(b *testing.B) {
	g := testGeometry(b, 2000)
	k, err := NewKernel(g, testBands, Options{})
	if err != nil {
		b.Fatal(err)
	}
	pts := benchPoints(g, 1<<12)
	for i := 0; b.Loop(); i++ {
		naiveFull(k, pts[i&(len(pts)-1)])
	}
}

func TestTidwallZonesAgree(t *testing.T) {
	g := testGeometry(t, 2000)
	k, err := NewKernel(g, testBands, Options{MaxLevel: 12})
	if err != nil {
		t.Fatal(err)
	}
	objs := tidwallZones(t, g)
	pts := benchPoints(g, 20000)
	differ := 0
	for _, p := range pts {
		ll := s2.LatLngFromPoint(p)
		pt := geojson.NewPoint(geometry.Point{X: ll.Lng.Degrees(), Y: ll.Lat.Degrees()})
		zs := k.PlacePoint(p).Zones
		for i, o := range objs {
			if o.Contains(pt) != zs.Has(i) {
				differ++
			}
		}
	}
	// Planar and geodesic edges differ by metres on these small zones: a
	// handful of points at most may fall between them.
	if differ > 5 {
		t.Errorf("%d of %d zone tests differ from tidwall/geojson", differ, len(pts)*len(objs))
	}
}
