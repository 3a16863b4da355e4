package reconstruction

import "fmt"

// Error is a refusal: what was refused, which id, why.
type Error struct {
	What string // fund, project, commitment, disbursement, refusal, event
	ID   string
	Why  string
}

func (e *Error) Error() string {
	if e.ID == "" {
		return fmt.Sprintf("%s refused: %s", e.What, e.Why)
	}
	return fmt.Sprintf("%s %q refused: %s", e.What, e.ID, e.Why)
}

func refuse(what, id, format string, args ...any) *Error {
	return &Error{What: what, ID: id, Why: fmt.Sprintf(format, args...)}
}
