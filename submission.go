package accord

// Types of the signed submissions the mission acts on. Anything else sent
// for the record is refused (the refusal recorded): the server and
// `accord verify` apply the same rules to the same entries, so nothing in
// the record can change the state verify computes without having changed
// the server's.
const (
	// SubmissionObservations is a signed batch's summary; it travels with
	// its batch (POST /v1/observations and the Accord-* headers).
	SubmissionObservations = "observations"
	// SubmissionResponse is a party's answer to a notice, signed by the
	// party: its body is a ResponseBody.
	SubmissionResponse = "response"
	// SubmissionFinding is a guarantor's signature of a finding, signed by
	// the guarantor: its body is a FindingBody.
	SubmissionFinding = "finding"
	// SubmissionProvision is a party's record that it carried out a
	// provision it is obliged to, signed by the party: its body is a
	// ProvisionBody.
	SubmissionProvision = "provision_done"
	// SubmissionExchange is a verifier's record of a prisoner exchange,
	// signed by the verifier: its body is an ExchangeBody; the lists of
	// names travel with it, sealed (exchange.go).
	SubmissionExchange = "exchange"
)

// ProvisionBody is the body of a signed provision_done: the author (a party
// obliged to it) carried out the provision.
type ProvisionBody struct {
	Provision string `json:"provision"`
}

// ResponseBody is the body of a signed response: the author (the party the
// notice went to) answers a consultation's notice.
type ResponseBody struct {
	Consultation string `json:"consultation"`
	Answer       string `json:"answer"` // accept or dispute
	Evidence     string `json:"evidence,omitempty"`
}

// FindingBody is the body of a signed finding: the author (a guarantor)
// signs an outcome of a consultation; the finding takes effect when the
// agreement's quorum of guarantors has signed the same outcome.
type FindingBody struct {
	Consultation string `json:"consultation"`
	Outcome      string `json:"outcome"` // upheld, dismissed or inconclusive
	Evidence     string `json:"evidence,omitempty"`
}
