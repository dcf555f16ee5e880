package ndp

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors callers can test with errors.Is.
var (
	// ErrNoResponse means a probe got no answer within its deadline:
	// Resolve found no Neighbor Advertisement.
	ErrNoResponse = errors.New("ndp: no response")
	// ErrInvalidOption means an option's length or contents break its RFC.
	ErrInvalidOption = errors.New("ndp: invalid option")
	// ErrInvalidMessage means an ICMPv6 message or frame is malformed.
	ErrInvalidMessage = errors.New("ndp: invalid message")
)

// ParseError reports input that does not parse: what was parsed, where,
// and why.
type ParseError struct {
	Type   string // what was being parsed: "pref64", "router advertisement", "frame", ...
	Offset int    // byte offset in the input where the problem is
	Err    error  // the cause: a sentinel of the package or io.ErrUnexpectedEOF
}

// Error reads "ndp: parse TYPE at offset N: cause".
func (e *ParseError) Error() string {
	return fmt.Sprintf("ndp: parse %s at offset %d: %s", e.Type, e.Offset, strings.TrimPrefix(fmt.Sprint(e.Err), "ndp: "))
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }
