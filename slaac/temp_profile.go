package slaac

import (
	"errors"
	"io"
	"time"
)

// TempProfile holds the RFC 8981 section 3.8 parameters of a
// temporary-address manager.
type TempProfile struct {
	// Name identifies the profile in output ("rfc8981", "linux").
	Name string
	// ValidLifetime is TEMP_VALID_LIFETIME.
	ValidLifetime time.Duration
	// PreferredLifetime is TEMP_PREFERRED_LIFETIME.
	PreferredLifetime time.Duration
	// RegenAdvance is REGEN_ADVANCE: how long before deprecation a
	// replacement is formed.
	RegenAdvance time.Duration
	// MaxDesyncFactor is MAX_DESYNC_FACTOR. DESYNC_FACTOR is drawn in
	// whole seconds from [0, MaxDesyncFactor).
	MaxDesyncFactor time.Duration
	// IDGenRetries is TEMP_IDGEN_RETRIES: new identifiers tried after DAD
	// failures of one address.
	IDGenRetries int
	// DesyncPerInterface draws one DESYNC_FACTOR for the manager's
	// lifetime, as Linux does (idev->desync_factor), instead of a fresh one
	// per address as RFC 8981 section 3.4 says.
	DesyncPerInterface bool
}

// RFC8981Profile returns the defaults of RFC 8981 section 3.8: valid 2 days,
// preferred 1 day, REGEN_ADVANCE 2 + 3 retries × 1 DAD transmit × 1 s = 5 s,
// MAX_DESYNC_FACTOR 0.4 × preferred, 3 retries, a fresh DESYNC_FACTOR per
// address.
func RFC8981Profile() TempProfile {
	return TempProfile{
		Name:              "rfc8981",
		ValidLifetime:     48 * time.Hour,
		PreferredLifetime: 24 * time.Hour,
		RegenAdvance:      5 * time.Second,
		MaxDesyncFactor:   24 * time.Hour * 4 / 10,
		IDGenRetries:      3,
	}
}

// LinuxProfile returns the Linux kernel's defaults (net.ipv6.conf.*:
// temp_valid_lft 604800, temp_prefered_lft 86400, max_desync_factor 600,
// regen_max_retry 3, regen_min_advance 2, dad_transmits 1, RetransTimer 1 s,
// so REGEN_ADVANCE 5 s) with one DESYNC_FACTOR per interface.
func LinuxProfile() TempProfile {
	return TempProfile{
		Name:               "linux",
		ValidLifetime:      7 * 24 * time.Hour,
		PreferredLifetime:  24 * time.Hour,
		RegenAdvance:       5 * time.Second,
		MaxDesyncFactor:    600 * time.Second,
		IDGenRetries:       3,
		DesyncPerInterface: true,
	}
}

// TempConfig configures a [TempManager].
type TempConfig struct {
	// Profile holds the RFC 8981 parameters; see [RFC8981Profile] and
	// [LinuxProfile].
	Profile TempProfile
	// Rand supplies randomness for identifiers (section 3.3.1) and
	// DESYNC_FACTOR; nil means crypto/rand.Reader. A deterministic caller
	// passes, say, rand.NewChaCha8(seed) of math/rand/v2.
	Rand io.Reader
	// HashSecret, when set, selects hash-based identifiers (RFC 8981
	// section 3.3.2): the first 8 bytes of SHA-256(prefix (8) | NetIface |
	// creation time (be64 Unix nanoseconds) | DAD counter (1) |
	// HashSecret) instead of random ones.
	HashSecret []byte
	// NetIface is hashed with HashSecret.
	NetIface []byte
}

// ErrTempConfig reports a TempConfig with impossible lifetimes.
var ErrTempConfig = errors.New("slaac: invalid temporary-address configuration")
