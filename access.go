package accord

// Roles of the record's users (who calls the server, who signs what).
// RoleGuarantor and RoleMonitor are the track roles of the same names.
const (
	RoleParty    = "party"
	RoleMediator = "mediator"
	RolePublic   = "public"
	// RoleVerifier is the neutral intermediary of a prisoner exchange (the
	// ICRC's role): it signs each exchange and holds the lists of names
	// (agreement.RoleVerifier).
	RoleVerifier = "verifier"
)

// Actions on the record, decided by Policy.
const (
	ReadPublic         = "read_public"         // published incidents, findings, phases, checkpoints
	ReadOwnNotices     = "read_own_notices"    // notices addressed to oneself
	ReadOthersNotices  = "read_others_notices" // notices addressed to someone else
	ReadRawEvidence    = "read_raw_evidence"   // sensor evidence (imagery, recordings)
	SubmitObservations = "submit_observations" // observation batches
	SubmitResponse     = "submit_response"     // answer a notice addressed to oneself
	SignFinding        = "sign_finding"        // sign a consultation's finding
	DraftAgreement     = "draft_agreement"     // draft and amend agreements
	ReadProofs         = "read_proofs"         // inclusion and consistency proofs
	Negotiate          = "negotiate"           // submit one's own position, answers and requests; read one's own view
	Mediate            = "mediate"             // open negotiations, put drafts on the table, read every position
	Fund               = "fund"                // register one's own funds for reconstruction, commit and disburse one's own money
	RegisterProject    = "register_project"    // register and update reconstruction projects
	SubmitExchange     = "submit_exchange"     // record a prisoner exchange one attests, with its sealed lists
	ReadExchangeLists  = "read_exchange_lists" // read an exchange's lists of names (the mission then checks the agreement's parties and verifiers)
	RecordProvision    = "record_provision"    // record a provision done: a party obliged to it, or the verifier attesting an all-for-all one
	TickClock          = "tick_clock"          // move the agreement's clock on without data (the monitoring mission's: its observations move it too)
)

// AccessRoles and Actions list every role of the record's users and every
// action on the record.
var (
	AccessRoles = []string{RoleParty, RoleGuarantor, RoleMonitor, RoleMediator, RoleVerifier, RolePublic}
	Actions     = []string{ReadPublic, ReadOwnNotices, ReadOthersNotices, ReadRawEvidence, SubmitObservations,
		SubmitResponse, SignFinding, DraftAgreement, ReadProofs, Negotiate, Mediate, Fund, RegisterProject,
		SubmitExchange, ReadExchangeLists, RecordProvision, TickClock}
)

// Policy decides who may do what: deny by default.
type Policy struct {
	// RestrictEvidence keeps raw sensor evidence to monitors and guarantors
	// (the agreement may so decide); otherwise parties may read it too.
	RestrictEvidence bool
}

// Allowed reports whether a role may take an action. Own tells whether the
// object is the actor's own (a notice addressed to it; a response to its
// own notice).
func (p Policy) Allowed(role, action string, own bool) bool {
	switch action {
	case ReadPublic, ReadProofs:
		return role == RoleParty || role == RoleGuarantor || role == RoleMonitor || role == RoleMediator || role == RoleVerifier || role == RolePublic
	case ReadOwnNotices:
		return own && (role == RoleParty || role == RoleGuarantor)
	case ReadOthersNotices:
		return role == RoleGuarantor || role == RoleMediator
	case ReadRawEvidence:
		if role == RoleMonitor || role == RoleGuarantor {
			return true
		}
		return role == RoleParty && !p.RestrictEvidence
	case SubmitObservations, TickClock:
		return role == RoleMonitor
	case SubmitResponse:
		return role == RoleParty && own
	case SignFinding:
		return role == RoleGuarantor
	case DraftAgreement, Mediate, RegisterProject:
		return role == RoleMediator
	case Fund:
		return (role == RoleParty || role == RoleGuarantor) && own
	case Negotiate:
		return role == RoleParty && own
	case SubmitExchange:
		return role == RoleVerifier && own
	case ReadExchangeLists:
		// Which exchange's lists is the mission's to decide (the parties
		// to its agreement and its verifiers); no other role reads any.
		return role == RoleParty || role == RoleVerifier
	case RecordProvision:
		// The engine decides which: a party only a provision it is
		// obliged to, the verifier only an all-for-all one it attests.
		return (role == RoleParty || role == RoleVerifier) && own
	}
	return false
}
