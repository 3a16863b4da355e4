// Package agreement reads the agreement file: for now its monitoring
// section — the agreed geometry (a GeoJSON file beside it), which party
// holds each side of the contact line, the withdrawal bands per equipment
// class, the rules of each zone, the ban on fire across the line, and the
// equipment ceilings per zone, each tied to the provision it enforces, and
// a maritime corridor's vessel rules (Corridor) — and the rest of the file
// (check.go): roles, provisions (among them the prisoner exchanges'
// all_for_all and quota, exchange.go), phases, the consultation and the
// enforcement. Merge combines the sections of several agreements run on
// one record into one, and says which agreement owns each rule.
package agreement
