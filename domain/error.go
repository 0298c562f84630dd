package domain

import (
	"errors"
	"fmt"
)

// Error codes. The bot maps them to what a user reads, in one place.
const (
	ECONFLICT  = "conflict"  // the action conflicts with the current state
	EINTERNAL  = "internal"  // something went wrong on our side
	EINVALID   = "invalid"   // the input is malformed or breaks a rule
	ENOTFOUND  = "not_found" // the thing asked for does not exist
	EFORBIDDEN = "forbidden" // the asker may not see or do this
)

// Error is an application error: a code for programs and a message for people.
// Errors that are not *Error are internal.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("incumbent error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err's *Error, "" for nil and EINTERNAL for any other error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of err's *Error, or a generic one for other
// errors (whose text may hold details not meant for chat).
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Message
	}
	return "Internal error."
}
