package ripng

import (
	"errors"
	"fmt"
)

// Sentinel errors, wrapped by [*ParseError] and by the encoders, for
// callers that test with [errors.Is].
var (
	// ErrCommand reports a command other than request (1) or response (2).
	ErrCommand = errors.New("ripng: unknown command")
	// ErrVersion reports a version other than 1 (RFC 2080 §2.1).
	ErrVersion = errors.New("ripng: unsupported version")
	// ErrMustBeZero reports a non-zero must-be-zero header field.
	ErrMustBeZero = errors.New("ripng: must-be-zero field is not zero")
	// ErrLength reports a message whose length is not a 4-byte header
	// followed by whole 20-byte route table entries.
	ErrLength = errors.New("ripng: message length is not 4 + 20·n bytes")
	// ErrPrefixLength reports a prefix length above 128.
	ErrPrefixLength = errors.New("ripng: prefix length above 128")
	// ErrMetric reports a route metric outside 1–16.
	ErrMetric = errors.New("ripng: metric outside 1-16")
	// ErrHostBits reports a prefix with bits set beyond its length.
	ErrHostBits = errors.New("ripng: prefix has host bits set")
	// ErrPrefixScope reports a multicast or link-local prefix, which
	// RFC 2080 §2.4.2 says must be ignored.
	ErrPrefixScope = errors.New("ripng: multicast or link-local prefix")
	// ErrNextHop reports a next hop that is neither :: nor link-local
	// (RFC 2080 §2.1.1), or that is not an IPv6 address.
	ErrNextHop = errors.New("ripng: next hop is neither :: nor link-local")
	// ErrTooManyEntries reports a message with more entries than fit.
	ErrTooManyEntries = errors.New("ripng: too many route table entries")
	// ErrMTU reports an MTU too small for even one route table entry.
	ErrMTU = errors.New("ripng: MTU too small")
)

// ParseError describes where decoding failed. Err is one of the sentinel
// errors above (or io.ErrUnexpectedEOF), so errors.Is works through it.
type ParseError struct {
	// Type names what was being parsed: "header", "rte".
	Type string
	// Offset is the byte offset in the message where the problem is.
	Offset int
	// Err is the cause.
	Err error
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("ripng: parse %s at offset %d: %v", e.Type, e.Offset, trimPrefix(e.Err))
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// trimPrefix drops a leading "ripng: " so wrapped messages name the
// package once.
func trimPrefix(err error) string {
	s := err.Error()
	if len(s) > 7 && s[:7] == "ripng: " {
		return s[7:]
	}
	return s
}
