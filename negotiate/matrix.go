package negotiate

// Matrix is the comparison of every proposal, issue by issue, with each
// party's verdict: the generated successor of Table 1 of the SIIS report.
type Matrix struct {
	Scenario  string             `json:"scenario"`
	Proposals []MatrixColumn     `json:"proposals"`
	Issues    []MatrixRow        `json:"issues"`
	Parties   []MatrixVerdictRow `json:"parties"`
}

// MatrixColumn heads one proposal's column.
type MatrixColumn struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	By      string `json:"by,omitempty"`
	Partial bool   `json:"partial"`
}

// MatrixRow is one issue: the option each proposal chooses ("" undecided).
type MatrixRow struct {
	Issue    string       `json:"issue"`
	Track    string       `json:"track"`
	Question string       `json:"question"`
	Cells    []MatrixCell `json:"cells"`
}

// MatrixCell is one proposal's choice on one issue, with the parties for
// whom that choice is a red line.
type MatrixCell struct {
	Option   string   `json:"option,omitempty"`
	Label    string   `json:"label,omitempty"`
	RedLines []string `json:"red_lines"` // parties that can never accept it
}

// MatrixVerdictRow is one party's verdict on every proposal.
type MatrixVerdictRow struct {
	Party    string    `json:"party"`
	Veto     bool      `json:"veto"`
	Verdicts []Verdict `json:"verdicts"`
}

// Compare builds the comparison matrix of the scenario's proposals.
func (m *Model) Compare() Matrix {
	s := m.Scenario
	mx := Matrix{Scenario: s.ID}
	evals := make([]Evaluation, len(s.Proposals))
	for i := range s.Proposals {
		p := &s.Proposals[i]
		evals[i] = m.Evaluate(p)
		mx.Proposals = append(mx.Proposals, MatrixColumn{ID: p.ID, Title: p.Title, By: p.By, Partial: evals[i].Partial})
	}
	for k, is := range s.Issues {
		row := MatrixRow{Issue: is.ID, Track: is.Track, Question: is.Question}
		for _, p := range s.Proposals {
			cell := MatrixCell{RedLines: []string{}}
			if o, ok := p.Choices[is.ID]; ok {
				oi := is.OptionIndex(o)
				cell.Option, cell.Label = o, is.Options[oi].Label
				for _, party := range m.Parties {
					if party.Red[k][oi] {
						cell.RedLines = append(cell.RedLines, party.ID)
					}
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		mx.Issues = append(mx.Issues, row)
	}
	for pi, party := range m.Parties {
		if !party.HasPosition {
			continue
		}
		vr := MatrixVerdictRow{Party: party.ID, Veto: party.Veto}
		for _, ev := range evals {
			for _, v := range ev.Parties {
				if v.Party == m.Parties[pi].ID {
					vr.Verdicts = append(vr.Verdicts, v)
				}
			}
		}
		mx.Parties = append(mx.Parties, vr)
	}
	return mx
}
