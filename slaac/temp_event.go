package slaac

import (
	"fmt"
	"net/netip"
	"time"
)

// TempEventKind says what happened to a temporary address.
type TempEventKind uint8

// Temporary-address events.
const (
	// TempCreated: a new temporary address (RFC 8981 section 3.4).
	TempCreated TempEventKind = iota + 1
	// TempDeprecated: its preferred lifetime ended (section 3.5).
	TempDeprecated
	// TempExpired: its valid lifetime ended; it is removed.
	TempExpired
	// TempDADFailed: DAD found it duplicated; it is removed (section 3.4
	// step 7).
	TempDADFailed
)

func (k TempEventKind) String() string {
	switch k {
	case TempCreated:
		return "created"
	case TempDeprecated:
		return "deprecated"
	case TempExpired:
		return "expired"
	case TempDADFailed:
		return "dad-failed"
	}
	return fmt.Sprintf("TempEventKind(%d)", uint8(k))
}

// MarshalText implements encoding.TextMarshaler.
func (k TempEventKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// TempAddr is one temporary address and its lifetimes.
type TempAddr struct {
	Addr   netip.Addr
	Prefix netip.Prefix
	// Created is when the address was formed.
	Created time.Time
	// PreferredUntil and ValidUntil are the absolute ends of its preferred
	// and valid lifetimes.
	PreferredUntil, ValidUntil time.Time
	// Desync is the DESYNC_FACTOR it was formed with.
	Desync time.Duration
	// DADCounter counts DAD failures behind this address.
	DADCounter int
	// Deprecated is true once PreferredUntil has passed.
	Deprecated bool

	regenerated bool
}

// TempEvent reports a change to a temporary address.
type TempEvent struct {
	Kind TempEventKind
	// Time is when it happened: the deadline that caused it, which may be
	// earlier than the clock when [TempManager.Advance] runs late.
	Time time.Time
	TempAddr
}
