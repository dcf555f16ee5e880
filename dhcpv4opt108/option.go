package dhcpv4opt108

import (
	"encoding"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// Code is the DHCPv4 option code of IPv6-Only Preferred (RFC 8925, Section 3.1).
const Code uint8 = 108

// Length is the only valid length of the option's value (RFC 8925,
// Section 3.1): V6ONLY_WAIT as an unsigned 32-bit number of seconds.
const Length = 4

const (
	// MinV6OnlyWait is MIN_V6ONLY_WAIT (RFC 8925, Section 3.4): a client
	// never waits less, whatever the server sends.
	MinV6OnlyWait = 300 * time.Second
	// DefaultV6OnlyWait is the RFC's default for V6ONLY_WAIT (RFC 8925,
	// Section 3.4), the value to configure when in doubt.
	DefaultV6OnlyWait = 1800 * time.Second
	// MaxV6OnlyWait is the largest V6ONLY_WAIT the option can carry:
	// 2^32-1 seconds (about 136 years).
	MaxV6OnlyWait = math.MaxUint32 * time.Second
)

var (
	// ErrAbsent reports that a message carries no option 108.
	ErrAbsent = errors.New("dhcpv4opt108: option 108 is absent")
	// ErrMalformed reports an option 108 whose length is not 4; RFC 8925,
	// Section 3.2 says clients must ignore it.
	ErrMalformed = errors.New("dhcpv4opt108: option 108 is malformed: length is not 4")
	// ErrRange reports a V6ONLY_WAIT that does not fit the option's 32-bit
	// seconds: negative, or more than [MaxV6OnlyWait].
	ErrRange = errors.New("dhcpv4opt108: V6ONLY_WAIT out of range 0..4294967295 s")
	// ErrFraction reports a duration that is not a whole number of seconds;
	// encoding never rounds silently.
	ErrFraction = errors.New("dhcpv4opt108: V6ONLY_WAIT is not a whole number of seconds")
)

// ParseError reports input that does not parse: what was parsed, where,
// and why.
type ParseError struct {
	// Type is what was being parsed: "option 108".
	Type string
	// Offset is the byte offset in the input where the problem is: for a
	// value of the wrong length, its length (where 4 bytes should end, or
	// where the surplus starts).
	Offset int
	// Err is the cause: [ErrMalformed].
	Err error
}

// Error returns "dhcpv4opt108: parse TYPE at offset N: cause".
func (e *ParseError) Error() string {
	return "dhcpv4opt108: parse " + e.Type + " at offset " + strconv.Itoa(e.Offset) + ": " + trimPrefix(e.Err.Error())
}

// Unwrap returns the cause, so errors.Is(err, ErrMalformed) works.
func (e *ParseError) Unwrap() error { return e.Err }

func trimPrefix(s string) string {
	const p = "dhcpv4opt108: "
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):]
	}
	return s
}

// Option is the IPv6-Only Preferred option's value, V6ONLY_WAIT, in whole
// seconds as it travels (RFC 8925, Section 3.1). The zero value means 0 s,
// which servers send when no wait is configured and clients clamp to
// [MinV6OnlyWait].
//
// Option implements [dhcpv4.OptionValue], so it can be put in a message
// with [dhcpv4.WithOption]([Option.DHCPv4]()).
type Option struct {
	// Seconds is V6ONLY_WAIT.
	Seconds uint32
}

var (
	_ encoding.BinaryAppender    = Option{}
	_ encoding.BinaryMarshaler   = Option{}
	_ encoding.BinaryUnmarshaler = (*Option)(nil)
	_ dhcpv4.OptionValue         = Option{}
)

// New returns the option for a V6ONLY_WAIT given as a duration. It never
// wraps or rounds: a negative duration or one above [MaxV6OnlyWait] returns
// [ErrRange], one with a fraction of a second [ErrFraction].
func New(wait time.Duration) (Option, error) {
	if wait < 0 || wait > MaxV6OnlyWait {
		return Option{}, fmt.Errorf("%w: %v", ErrRange, wait)
	}
	if wait%time.Second != 0 {
		return Option{}, fmt.Errorf("%w: %v", ErrFraction, wait)
	}
	return Option{Seconds: uint32(wait / time.Second)}, nil
}

// FromSeconds returns the option for a V6ONLY_WAIT given in seconds, as
// configuration files write it. Values outside 0..2^32-1 return [ErrRange].
func FromSeconds(s int64) (Option, error) {
	if s < 0 || s > math.MaxUint32 {
		return Option{}, fmt.Errorf("%w: %d s", ErrRange, s)
	}
	return Option{Seconds: uint32(s)}, nil
}

// Wait returns V6ONLY_WAIT as sent, unclamped.
func (o Option) Wait() time.Duration { return time.Duration(o.Seconds) * time.Second }

// Effective returns how long a client stops DHCPv4 for this option:
// V6ONLY_WAIT, or [MinV6OnlyWait] when the value is below it, including 0
// (RFC 8925, Section 3.2).
func (o Option) Effective() time.Duration { return Clamp(o.Wait()) }

// Clamp applies RFC 8925's rule for clients to a V6ONLY_WAIT: a value below
// [MinV6OnlyWait], including 0 and negative values, means MinV6OnlyWait.
func Clamp(wait time.Duration) time.Duration {
	if wait < MinV6OnlyWait {
		return MinV6OnlyWait
	}
	return wait
}

// AppendBinary appends the option's 4-byte value (not the code and length
// octets) to b.
func (o Option) AppendBinary(b []byte) ([]byte, error) {
	return append(b, byte(o.Seconds>>24), byte(o.Seconds>>16), byte(o.Seconds>>8), byte(o.Seconds)), nil
}

// MarshalBinary returns the option's 4-byte value.
func (o Option) MarshalBinary() ([]byte, error) { return o.AppendBinary(make([]byte, 0, Length)) }

// UnmarshalBinary decodes an option value. Any length other than 4 returns a
// *[ParseError] wrapping [ErrMalformed], and o is left unchanged.
func (o *Option) UnmarshalBinary(b []byte) error {
	if len(b) != Length {
		return &ParseError{Type: "option 108", Offset: min(len(b), Length), Err: fmt.Errorf("%w (it is %d)", ErrMalformed, len(b))}
	}
	o.Seconds = uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	return nil
}

// ToBytes returns the 4-byte value; it implements [dhcpv4.OptionValue].
func (o Option) ToBytes() []byte {
	b, _ := o.MarshalBinary()
	return b
}

// String returns V6ONLY_WAIT as "1800 s".
func (o Option) String() string { return strconv.FormatUint(uint64(o.Seconds), 10) + " s" }

// DHCPv4 returns the option ready for [dhcpv4.WithOption] or
// [dhcpv4.DHCPv4.UpdateOption].
func (o Option) DHCPv4() dhcpv4.Option {
	return dhcpv4.Option{Code: dhcpv4.OptionIPv6OnlyPreferred, Value: o}
}

// Presence says what a message carries as option 108.
type Presence uint8

const (
	// Absent: no option 108.
	Absent Presence = iota
	// Valid: an option 108 of length 4.
	Valid
	// Malformed: an option 108 of another length, which clients ignore.
	Malformed
)

func (p Presence) String() string {
	switch p {
	case Absent:
		return "absent"
	case Valid:
		return "valid"
	case Malformed:
		return "malformed"
	}
	return "Presence(" + strconv.Itoa(int(p)) + ")"
}

// Decode reads option 108 from a message's options. Unlike
// [dhcpv4.DHCPv4.IPv6OnlyPreferred], it tells an absent option ([ErrAbsent])
// from a malformed one (a *[ParseError] wrapping [ErrMalformed]), and it
// rejects a value longer than 4 bytes rather than reading its first four.
func Decode(opts dhcpv4.Options) (Option, error) {
	v, ok := opts[Code]
	if !ok {
		return Option{}, ErrAbsent
	}
	var o Option
	if err := o.UnmarshalBinary(v); err != nil {
		return Option{}, err
	}
	return o, nil
}

// Lookup is [Decode] for a whole message, reporting the outcome as a
// [Presence]. A nil message has no option.
func Lookup(m *dhcpv4.DHCPv4) (Option, Presence) {
	if m == nil {
		return Option{}, Absent
	}
	o, err := Decode(m.Options)
	switch {
	case err == nil:
		return o, Valid
	case errors.Is(err, ErrAbsent):
		return Option{}, Absent
	default:
		return Option{}, Malformed
	}
}

// Requested reports whether a client's message asks for option 108: its
// Parameter Request List is present and contains 108. Unlike
// [dhcpv4.DHCPv4.IsOptionRequested], a message without a Parameter Request
// List does not ask for it (RFC 8925, Section 3.3).
func Requested(m *dhcpv4.DHCPv4) bool {
	return m != nil && m.ParameterRequestList().Has(dhcpv4.OptionIPv6OnlyPreferred)
}

// WithRequest is a [dhcpv4.Modifier] that adds 108 to a message's Parameter
// Request List, for an IPv6-only-capable client's DISCOVER and REQUEST
// (RFC 8925, Section 3.2).
func WithRequest() dhcpv4.Modifier {
	return dhcpv4.WithRequestedOptions(dhcpv4.OptionIPv6OnlyPreferred)
}
