package slaac

import "strconv"

// ParseError reports text that does not parse: an interface identifier, a
// stable_secret or a machine ID. It wraps the sentinel for the kind of
// input ([ErrIID], [ErrSecret]), so errors.Is works on it.
type ParseError struct {
	// Type names what was being parsed ("IID", "stable_secret",
	// "machine ID").
	Type string
	// Input is the text as given.
	Input string
	// Msg says what is wrong.
	Msg string
	// Err is the sentinel.
	Err error
}

func (e *ParseError) Error() string {
	return "slaac: parse " + e.Type + " " + strconv.Quote(e.Input) + ": " + e.Msg
}

// Unwrap returns the sentinel.
func (e *ParseError) Unwrap() error { return e.Err }
