-- postgis: applied only where the PostGIS extension is available (and
-- applied, then, on the first open after it is installed).
CREATE EXTENSION IF NOT EXISTS postgis;
ALTER TABLE incidents ADD COLUMN geom geometry(Point, 4326)
	GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED;
CREATE INDEX incidents_geom ON incidents USING gist (geom);
