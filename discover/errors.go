package discover

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors callers can test with errors.Is.
var (
	// ErrNotResponse reports a DNS message that is not a response to us.
	ErrNotResponse = errors.New("discover: not an mDNS response")
	// ErrMalformed reports a DNS message that does not parse.
	ErrMalformed = errors.New("discover: malformed message")
	// ErrBadVendorTable means the embedded vendor table is corrupt.
	ErrBadVendorTable = errors.New("discover: corrupt vendor table")
)

// ParseError reports input that does not parse: what was parsed, where,
// and why.
type ParseError struct {
	Type   string // what was being parsed: "mdns response", "vendor table"
	Offset int    // byte offset in the input where the problem is (0 when the DNS parser does not say)
	Err    error  // the cause: a sentinel of the package or io.ErrUnexpectedEOF
}

// Error reads "discover: parse TYPE at offset N: cause".
func (e *ParseError) Error() string {
	return fmt.Sprintf("discover: parse %s at offset %d: %s", e.Type, e.Offset, strings.TrimPrefix(fmt.Sprint(e.Err), "discover: "))
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }
