// WGS 84 ground truth for geo's kernel tests (TestWGS84GroundTruth), from
// GeographicLib's own JavaScript implementation of Karney's algorithms
// (C. F. F. Karney, "Algorithms for geodesics", J. Geodesy 87, 43–55, 2013),
// independent of the kernel's Vincenty formulae and of its sphere.
//
//   npm install geographiclib-geodesic@2.2.0
//   NODE_PATH=node_modules node geo/testdata/wgs84/truth.js > geo/testdata/wgs84/truth.json
//
// It first checks the library against the GeodTest lines in
// geodtest-lines.txt, then places points 0.2–200 m either side of band
// edges, of the line and of zone edges (distances on WGS 84, edges being
// WGS 84 geodesics), on synthetic lines from the equator to 70° in both
// hemispheres and across the antimeridian, and on the reference line, and
// writes each point's distance to the line, side and zones, by exact
// computation (the foot of the point on every edge that can be nearest).
"use strict";
const fs = require("fs");
const path = require("path");
const G = require("geographiclib-geodesic").Geodesic.WGS84;
const here = __dirname;

// 1. The library against the published lines.
let worst = 0;
for (const line of fs.readFileSync(path.join(here, "geodtest-lines.txt"), "utf8").split("\n")) {
  if (line.startsWith("#") || !line.trim()) continue;
  const [lat1, lon1, azi1, lat2, lon2, azi2, s12] = line.trim().split(/\s+/).map(Number);
  const r = G.Inverse(lat1, lon1, lat2, lon2);
  worst = Math.max(worst, Math.abs(r.s12 - s12));
  const d = G.Direct(lat1, lon1, azi1, s12);
  worst = Math.max(worst, G.Inverse(d.lat2, d.lon2, lat2, lon2).s12);
}
if (worst > 1e-6) throw new Error(`GeographicLib misses GeodTest by ${worst} m`);

// A seeded generator, for the same file on every run.
let seed = 13;
function rnd() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

// foot of a point on the geodesic a→b: distance, arc position, side (+1 left).
function foot(a, b, p) {
  const inv = G.Inverse(a[1], a[0], b[1], b[0]);
  const L = G.Line(a[1], a[0], inv.azi1);
  let s = inv.s12 / 2;
  // Start from the best of a few samples, then iterate s += d·cos θ.
  let bestS = 0, bestD = Infinity;
  for (let i = 0; i <= 16; i++) {
    const x = L.Position((inv.s12 * i) / 16);
    const d = G.Inverse(x.lat2, x.lon2, p[1], p[0]).s12;
    if (d < bestD) { bestD = d; bestS = (inv.s12 * i) / 16; }
  }
  s = bestS;
  let d = 0, side = 0;
  for (let it = 0; it < 100; it++) {
    const x = L.Position(s);
    const r = G.Inverse(x.lat2, x.lon2, p[1], p[0]);
    d = r.s12;
    const th = ((r.azi1 - x.azi2) * Math.PI) / 180;
    side = Math.sin(th) > 0 ? -1 : 1;
    if (d === 0) { side = 0; break; }
    const next = Math.max(0, Math.min(inv.s12, s + d * Math.cos(th)));
    if (Math.abs(next - s) < 1e-7) break;
    s = next;
  }
  return { d, s, side, len: inv.s12 };
}

function turn(a, b, c) {
  // the sign of the turn a→b→c: +1 left
  const i1 = G.Inverse(a[1], a[0], b[1], b[0]).azi2;
  const i2 = G.Inverse(b[1], b[0], c[1], c[0]).azi1;
  const t = Math.sin(((i2 - i1) * Math.PI) / 180);
  return t > 0 ? -1 : 1;
}

// The point's distance to the polyline and the side of its nearest point
// (beyond a sharp turn, the turn's outer side).
function place(line, p) {
  // Prefilter: haversine distance to the vertices bounds the edges' distance.
  const cand = [];
  let minV = Infinity;
  const dv = line.map((v) => G.Inverse(v[1], v[0], p[1], p[0]).s12);
  for (const d of dv) minV = Math.min(minV, d);
  for (let i = 1; i < line.length; i++) {
    const len = G.Inverse(line[i - 1][1], line[i - 1][0], line[i][1], line[i][0]).s12;
    if (Math.min(dv[i - 1], dv[i]) - len / 2 - 1 <= minV) cand.push(i - 1);
  }
  let best = null;
  for (const i of cand) {
    const f = foot(line[i], line[i + 1], p);
    if (!best || f.d < best.d) best = { ...f, i };
  }
  let side = best.side;
  let other = -1;
  if (best.s === 0 && best.i > 0) other = best.i - 1;
  if (best.s === best.len && best.i + 2 < line.length) other = best.i + 1;
  if (other >= 0 && side !== 0) {
    const o = foot(line[other], line[other + 1], p);
    if (o.side !== side) {
      const first = Math.min(best.i, other);
      side = -turn(line[first], line[first + 1], line[first + 2]);
    }
  }
  return { d: best.d, side };
}

function norm(lon) {
  return ((((lon + 180) % 360) + 360) % 360) - 180;
}

function at(lat, lon, azi, s) {
  const d = G.Direct(lat, lon, azi, s);
  return [norm(d.lon2), d.lat2];
}

// A point off edge i of a polyline, at fraction t of it, `off` metres to
// the left (+) or right (−) of the edge's geodesic there.
function offEdge(a, b, t, off) {
  const inv = G.Inverse(a[1], a[0], b[1], b[0]);
  const x = G.Line(a[1], a[0], inv.azi1).Position(inv.s12 * t);
  return at(x.lat2, x.lon2, x.azi2 + (off > 0 ? -90 : 90), Math.abs(off));
}

const deltas = [0.2, 1, 3, 10, 30, 100, 200];
// Nearer still to the line and to zone edges, where a geodesic and the
// great-circle arc between the same vertices part by centimetres to a metre.
const near = [0.05, 0.2, 1, 3, 10, 30, 100, 200];
const out = { geodtest_worst_m: worst, cases: [] };

function addCase(name, line, bands, zones, perEdge) {
  const c = { name, line, bands, zones: zones.map((z) => z.ring), points: [] };
  const edges = [];
  for (let i = 1; i < line.length; i++) edges.push(i - 1);
  const picks = perEdge ? edges : edges.filter(() => rnd() < 0.1);
  for (const i of picks) {
    const t = 0.15 + 0.7 * rnd();
    for (const band of bands) {
      for (const sgn of [1, -1]) {
        const dlt = deltas[Math.floor(rnd() * deltas.length)];
        for (const pm of [1, -1]) {
          const p = offEdge(line[i], line[i + 1], t, sgn * (band + pm * dlt));
          const pl = place(line, p);
          c.points.push({ what: "band", p, d: pl.d, side: pl.side });
        }
      }
    }
    for (const sgn of [1, -1]) {
      for (const dlt of perEdge ? near : [near[Math.floor(rnd() * near.length)]]) {
        const p = offEdge(line[i], line[i + 1], 0.1 + 0.8 * rnd(), sgn * dlt);
        const pl = place(line, p);
        c.points.push({ what: "side", p, d: pl.d, side: pl.side });
      }
    }
  }
  // Zones: rings built clockwise, so the inside is right of each edge.
  zones.forEach((z, zi) => {
    const r = z.ring;
    for (let i = 0; i < r.length; i++) {
      const a = r[i], b = r[(i + 1) % r.length];
      for (const dlt of near) {
        for (const sgn of [1, -1]) {
          const p = offEdge(a, b, 0.2 + 0.6 * rnd(), sgn * dlt);
          const pl = place(line, p);
          c.points.push({ what: "zone", p, d: pl.d, side: pl.side, zone: zi, inside: sgn < 0 });
        }
      }
    }
  });
  out.cases.push(c);
}

// Synthetic lines: about 300 km of 12 edges (25 km each, or 4 of 100 km)
// with a heading that wanders, two bands (20 and 40 km), one hexagonal zone
// (edges of 60 km) beside the line.
function synthetic(name, lat0, lon0, heading, edgeM = 25000, n = 12) {
  const line = [[norm(lon0), lat0]];
  let az = heading;
  for (let i = 0; i < n; i++) {
    az += (rnd() - 0.5) * 50;
    const d = G.Direct(line[i][1], line[i][0], az, edgeM);
    line.push([norm(d.lon2), d.lat2]);
    az = d.azi2;
  }
  const c = G.Direct(lat0, lon0, heading + 90, 90000);
  const ring = [];
  for (let k = 0; k < 6; k++) ring.push(at(c.lat2, c.lon2, k * 60 + 10, 60000));
  addCase(name, line, [20000, 40000], [{ ring }], true);
}

for (const lat of [0, 15, 30, 45, 50.3, 55, 60, 66, 70]) {
  for (const h of [1, -1]) {
    if (lat === 0 && h < 0) continue;
    synthetic(`lat${h * lat}`, h * lat - (h < 0 ? 0 : 0), 20 + lat, [90, 20, 135][Math.floor(rnd() * 3)]);
  }
}
synthetic("antimeridian-60N", 60, 178.5, 90);
synthetic("antimeridian-45S", -45, 179.0, 95);
synthetic("long-edges-45N", 45, 30, 80, 100000, 4);
synthetic("long-edges-66S", -66, -60, 100, 100000, 4);

// The reference line and its bands (15, 25, 35, 70 km).
const ref = JSON.parse(fs.readFileSync(path.join(here, "../../../scenarios/ukraine-2025/monitoring/geometry.geojson"), "utf8"));
const refLine = ref.features.find((f) => f.properties.role === "contact_line").geometry.coordinates;
addCase("reference", refLine, [25000, 35000, 70000, 15000], [], false);

process.stdout.write(JSON.stringify(out) + "\n");
