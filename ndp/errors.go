package ndp

import (
	"errors"
	"fmt"
	"runtime"
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
	// ErrNotSupported is returned by the socket functions on platforms
	// other than Linux.
	ErrNotSupported = fmt.Errorf("ndp: not supported on %s/%s", runtime.GOOS, runtime.GOARCH)
)

// A ParseError tells which message or option failed to parse, where, and why.
type ParseError struct {
	Type   string // "pref64", "router advertisement", "frame", ...
	Offset int    // byte offset of the failure in the input
	Err    error  // the cause: io.ErrUnexpectedEOF, ErrInvalidOption, ...
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("ndp: parse %s at offset %d: %v", e.Type, e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }
