// Package oracle is package fusion as it was before the work on the cost
// of Engine.Add (issue 18, item 5), kept unchanged as the differential
// oracle of fusion's TestSameAsOracle: the engine must make the incidents
// this one makes, report by report, in both assignments.
package oracle
