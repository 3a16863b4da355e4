// Package sim simulates a ceasefire monitoring network: true events along a
// contact line (weapons inside and outside their withdrawal bands, fire
// across the line, strikes on protected sites, troop movements) with known
// ground truth, and the noisy, delayed, duplicated reports that satellites,
// fixed sensors, drones, ground monitors, the parties and open sources make of
// them, plus false alarms. Output follows docs/observation.md. The same seed
// gives the same run; nothing reads the clock. A dense mode (Config.Dense)
// makes the front busy: bursts of shots into a few hotspots, with wider
// errors, where telling events apart is hard. GrainCorridor simulates the
// Black Sea grain corridor's merchant vessels (AIS-like position reports,
// inspections, injectable breaches), a stream Combine joins to the front's.
package sim
