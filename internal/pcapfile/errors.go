package pcapfile

import (
	"errors"
	"fmt"
	"io"
)

// Sentinel causes of a [*ParseError], for errors.Is.
var (
	// ErrNotCapture: the input starts with neither a pcap nor a pcapng magic number.
	ErrNotCapture = errors.New("not a pcap or pcapng file")
	// ErrTruncated: the input ends inside a header, block or record. It
	// wraps io.ErrUnexpectedEOF.
	ErrTruncated = fmt.Errorf("truncated: %w", io.ErrUnexpectedEOF)
	// ErrMalformed: a length or field is inconsistent (block length not a
	// multiple of 4, trailing length differs, packet longer than its block,
	// packet for an interface never described...).
	ErrMalformed = errors.New("malformed")
	// ErrUnsupported: a valid but unsupported variant (pcap version, a
	// length above MaxBlockLen, a timestamp resolution finer than 2^-63 s).
	ErrUnsupported = errors.New("unsupported")
)

// ParseError reports input that does not parse: what was parsed, where, and why.
type ParseError struct {
	Type   string // what was being parsed: "file header", "section header", "enhanced packet"...
	Offset int    // byte offset in the input of the header, block or record
	Err    error  // the cause: one of the package's sentinels, possibly wrapped with detail
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("pcapfile: parse %s at offset %d: %v", e.Type, e.Offset, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }
