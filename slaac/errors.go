package slaac

import (
	"strconv"
	"strings"
)

// ParseError reports input that does not parse: what was parsed, where, and
// why. Type is "IID", "stable_secret" or "machine ID"; Err wraps the
// sentinel for that kind of input ([ErrIID], [ErrSecret]) and quotes the
// input, so errors.Is works and the message shows what was given.
type ParseError struct {
	// Type names what was being parsed: "IID", "stable_secret", "machine ID".
	Type string
	// Offset is the byte offset in the input of the first byte that is
	// wrong, or the input's length when it ends too soon.
	Offset int
	// Err is the cause: it wraps a sentinel of the package.
	Err error
}

// Error returns "slaac: parse TYPE at offset N: cause".
func (e *ParseError) Error() string {
	cause := "invalid"
	if e.Err != nil {
		cause = strings.TrimPrefix(e.Err.Error(), "slaac: ")
	}
	return "slaac: parse " + e.Type + " at offset " + strconv.Itoa(e.Offset) + ": " + cause
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// firstBad returns the offset of the first byte of s that ok refuses, or -1.
func firstBad(s string, ok func(byte) bool) int {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return i
		}
	}
	return -1
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// addrOffset guesses where an IPv6 literal s goes wrong: its first byte
// that cannot be part of one, else its first group of more than four
// digits, else its end.
func addrOffset(s string) int {
	if i := firstBad(s, func(c byte) bool { return isHex(c) || c == ':' || c == '.' }); i >= 0 {
		return i
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] == ':' || s[i] == '.' {
			n = 0
			continue
		}
		if n++; n > 4 {
			return i
		}
	}
	return len(s)
}
