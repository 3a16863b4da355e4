package accord

// Types of the entries the mission itself writes into the record (ledger
// entries of kind "derived"); a submission's type says what its author
// sent (submission.go).
const (
	EntryIncident         = "incident"          // a version of an incident: new, changed, closed or given a verdict
	EntryEvent            = "event"             // an input of the agreement engine, so the record replays
	EntryAgreement        = "agreement"         // what the engine derived: notices, deadlines, phases, relief
	EntryFindingSignature = "finding_signature" // a guarantor's signature of a finding, before its quorum
)

// States of an incident. Fusion gives the first three from its reports,
// and merged to an incident whose report it found to be of another
// incident's event; the consultation's verdicts give disputed and
// dismissed (and confirm an upheld one).
const (
	IncidentReported     = "reported"     // one owner reports it
	IncidentCorroborated = "corroborated" // two or more independent owners
	IncidentConfirmed    = "confirmed"    // corroborated, a neutral owner among them, confident enough
	IncidentDisputed     = "disputed"     // a party disputes it; the consultation is under way
	IncidentDismissed    = "dismissed"    // the guarantors' finding dismissed it
	IncidentMerged       = "merged"       // its report is of another incident's event (MergedInto)
)

// IncidentStates lists every incident state.
var IncidentStates = []string{IncidentReported, IncidentCorroborated, IncidentConfirmed, IncidentDisputed, IncidentDismissed, IncidentMerged}

// Stages of the emergency consultation on a violation (the JCPOA's dispute
// path), and its outcomes.
const (
	StageNotice    = "notice"    // the party was notified and may answer
	StageJoint     = "joint"     // disputed: the joint commission with the guarantors
	StageMinisters = "ministers" // escalated to the ministers
	StageAdvisory  = "advisory"  // escalated to the advisory board
	StageClosed    = "closed"    // decided

	OutcomeUpheld       = "upheld"
	OutcomeDismissed    = "dismissed"
	OutcomeInconclusive = "inconclusive"
	OutcomeUnresolved   = "unresolved" // every stage missed its deadline
)
