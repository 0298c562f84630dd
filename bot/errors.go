package bot

import (
	"errors"

	"github.com/incumbent/incumbent/domain"
)

// Apology is what a person reads when something failed on our side. The details go to
// the log, never to chat.
const Apology = "Something went wrong on our side; it has been logged. Please try again in a minute."

// ErrorText is the one place where an error becomes what a person reads: nothing for
// nil; for an internal error the apology, unless it says which part of ours did not
// answer (Unavailable); for any other its domain message. A command's refusal is said
// by Handle as "Not yours to see: " and this text.
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	if domain.ErrorCode(err) == domain.EINTERNAL {
		if u, ok := errors.AsType[*unavailableError](err); ok {
			return u.text.Message
		}
		return Apology
	}
	return domain.ErrorMessage(err)
}

// ErrorReply is the reply for an error met outside a command: before the bot was
// asked (who is asking, where) or by an adapter's own checks.
func ErrorReply(err error) Reply {
	return Reply{Blocks: []Block{&Text{Text: ErrorText(err)}}, Err: err}
}

// Unavailable returns an internal error that tells the person which part did not
// answer (text), wrapping the cause for the log.
func Unavailable(text string, cause error) error {
	return &unavailableError{text: domain.Errorf(domain.EINTERNAL, "%s", text), cause: cause}
}

// unavailableError is an internal error with words for the person: a service we depend
// on (the chat platform, the store) did not answer, and trying again later may help.
type unavailableError struct {
	text  *domain.Error
	cause error
}

func (e *unavailableError) Error() string {
	if e.cause == nil {
		return e.text.Error()
	}
	return e.text.Message + ": " + e.cause.Error()
}

// Unwrap returns the message first, so that domain.ErrorMessage and ErrorJSON read it,
// then the cause.
func (e *unavailableError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.text}
	}
	return []error{e.text, e.cause}
}
