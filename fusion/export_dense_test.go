package fusion

// Merges is how many incidents revision merged (tests).
func (e *Engine) Merges() int { return e.nMerged }

// ReviseBudget lets the measurements switch revision off.
var ReviseBudget = &reviseBudget
