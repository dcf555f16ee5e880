package nat64

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors callers can test with errors.Is.
var (
	// ErrInvalidPrefix means a prefix cannot carry IPv4-embedded
	// addresses (RFC 6052, Section 2.2): not IPv6, a length other than
	// 32, 40, 48, 56, 64 or 96, host bits set, or a /96 whose bits 64 to
	// 71 are not zero.
	ErrInvalidPrefix = errors.New("nat64: invalid NAT64 prefix")
	// ErrNotEmbedded means an IPv6 address is not inside the prefix, or
	// its bits 64 to 71 are not zero: it embeds no IPv4 address there.
	ErrNotEmbedded = errors.New("nat64: address embeds no IPv4 address")
	// ErrNoDNS64 means the DNS server answered the AAAA query without
	// AAAA records: it does no DNS64 (RFC 7050, Section 3).
	ErrNoDNS64 = errors.New("nat64: no DNS64: no AAAA records synthesised")
	// ErrNoWellKnown means AAAA records came back, but none embeds
	// 192.0.0.170 or 192.0.0.171 at an RFC 6052 position (RFC 7050,
	// Section 3): they were not synthesised from ipv4only.arpa's A records.
	ErrNoWellKnown = errors.New("nat64: AAAA records embed no well-known IPv4 address")
	// ErrInconsistent means the answers do not agree: a well-known address
	// found at several positions that the other one cannot settle, or only
	// one of the two well-known addresses under a prefix (RFC 7050,
	// Section 3).
	ErrInconsistent = errors.New("nat64: inconsistent DNS64 answers")
	// ErrPrefixMismatch means the DNS64 synthesised with another prefix
	// than the one the network announces (PREF64).
	ErrPrefixMismatch = errors.New("nat64: DNS64 prefix differs from the announced prefix")
	// ErrDNS means the DNS server failed the query (an RCODE other than
	// NOERROR and NXDOMAIN, or a response that does not match the query).
	ErrDNS = errors.New("nat64: DNS query failed")
)

// ParseError reports a DNS response that does not parse: what was parsed,
// where, and why.
type ParseError struct {
	Type   string // what was being parsed: "dns response"
	Offset int    // byte offset in the input where the problem is (0 when unknown)
	Err    error  // the cause
}

// Error reads "nat64: parse TYPE at offset N: cause".
func (e *ParseError) Error() string {
	return fmt.Sprintf("nat64: parse %s at offset %d: %s", e.Type, e.Offset, strings.TrimPrefix(fmt.Sprint(e.Err), "nat64: "))
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }
