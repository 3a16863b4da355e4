package accord

import (
	"errors"
	"fmt"
)

// Application error codes. Adapters map them to exit codes or HTTP statuses at
// the edge; the domain only says what kind of failure happened.
const (
	EINVALID      = "invalid"      // the input breaks the contract
	ENOTFOUND     = "not_found"    // a named thing does not exist
	EUNAUTHORIZED = "unauthorized" // the caller did not say who it is
	EFORBIDDEN    = "forbidden"    // the caller may not do this
	EINTERNAL     = "internal"     // a bug or an unexpected failure
	EUNAVAILABLE  = "unavailable"  // a store cannot be reached now; try again later
)

// Error is an application error: a code for programs, a message for users and
// the wrapped cause for logs.
type Error struct {
	Code    string
	Message string
	Err     error
}

// Error implements error.
func (e *Error) Error() string {
	if e.Err != nil && e.Message == "" {
		return e.Err.Error()
	}
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
