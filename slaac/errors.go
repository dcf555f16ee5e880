package slaac

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrSyntax is wrapped by every [ParseError] whose input has no sentinel
// of its own: a NetworkManager or systemd-networkd file, a sysctl value, a
// version, a kind name. [ParseError.Type] says which.
var ErrSyntax = errors.New("slaac: syntax error")

// syntaxError is a cause that wraps ErrSyntax without printing it: the
// ParseError around it already says "parse".
type syntaxError struct{ msg string }

func (e *syntaxError) Error() string { return e.msg }
func (e *syntaxError) Unwrap() error { return ErrSyntax }

// errSyntax formats a cause that wraps ErrSyntax.
func errSyntax(format string, args ...any) error {
	return &syntaxError{msg: fmt.Sprintf(format, args...)}
}

// ParseError reports input that does not parse: what was parsed, where, and
// why. Err wraps the sentinel for that kind of input ([ErrIID],
// [ErrSecret], else [ErrSyntax]) and quotes the input, so errors.Is works
// and the message shows what was given.
type ParseError struct {
	// Type names what was being parsed: "IID", "stable_secret", "machine
	// ID", "NetworkManager version", "networkd .network", "sysctl NAME"…
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
