package ndp

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"time"

	mdndp "github.com/mdlayher/ndp"
)

// ErrInvalidConfig means an AdvertiserConfig breaks RFC 4861 (or the RFCs
// of its options).
var ErrInvalidConfig = errors.New("ndp: invalid advertiser config")

// Default router variables of RFC 4861, Section 6.2.1, and RFC 8106.
const (
	DefaultMaxRtrAdvInterval = 600 * time.Second
	DefaultValidLifetime     = 30 * 24 * time.Hour // AdvValidLifetime
	DefaultPreferredLifetime = 7 * 24 * time.Hour  // AdvPreferredLifetime
	maxRouterLifetime        = 9000 * time.Second
	maxReachableTime         = 3600 * time.Second // MAX_REACHABLE_TIME (RFC 4861, Section 6.2.1)
	maxRetransTimer          = time.Duration(0xffffffff) * time.Millisecond
	minMTU                   = 1280 // IPv6's minimum link MTU (RFC 8200, Section 5)
	// MaxRDNSS is the most RDNSS servers an Advertiser sends.
	MaxRDNSS     = (maxOptionLen - 8) / 16
	maxOptionLen = 255 / 8 * 8
	// MaxRASize is the largest RA an Advertiser sends: the ICMPv6 message
	// of a packet of the minimum MTU, since NDP must never be fragmented
	// (RFC 6980) and the RA must reach hosts on any link.
	MaxRASize = minMTU - 40
)

// AdvertisedPrefix is one Prefix Information option (RFC 4861, 4.6.2).
type AdvertisedPrefix struct {
	Prefix     netip.Prefix
	OnLink     bool // L flag
	Autonomous bool // A flag: hosts form SLAAC addresses from it
	// ValidLifetime and PreferredLifetime default to 30 and 7 days (the
	// preferred one at most the valid one); use mdndp.Infinity for
	// infinite.
	ValidLifetime, PreferredLifetime time.Duration
	// Withdraw sends both lifetimes as 0, to renumber away from the
	// prefix: hosts deprecate its addresses at once and keep them at most
	// two hours (RFC 4862, Section 5.5.3 e). The lifetimes must be left 0.
	Withdraw bool
}

// AdvertisedRoute is one Route Information option (RFC 4191, 2.3).
type AdvertisedRoute struct {
	Prefix     netip.Prefix
	Preference Preference
	Lifetime   time.Duration
}

// AdvertiserConfig holds a router's advertising variables (RFC 4861,
// Section 6.2.1) and the options it sends. The zero value, with at least
// one prefix, is a sensible home router.
type AdvertiserConfig struct {
	// MinInterval and MaxInterval bound the random interval between
	// unsolicited RAs: MaxInterval in [4 s, 1800 s] (default 600 s),
	// MinInterval in [3 s, 0.75 × MaxInterval] (default 0.33 × MaxInterval).
	MinInterval, MaxInterval time.Duration
	// RouterLifetime says how long hosts may use us as default router: 0
	// means "not a default router"; default 3 × MaxInterval, at most 9000 s.
	// Set NotDefault to advertise lifetime 0 deliberately.
	RouterLifetime time.Duration
	NotDefault     bool
	Preference     Preference // default router preference (RFC 4191)
	Managed, Other bool       // M and O flags
	CurHopLimit    uint8      // default 64
	ReachableTime  time.Duration
	RetransTimer   time.Duration

	Prefixes []AdvertisedPrefix
	Routes   []AdvertisedRoute
	// MTU, when not 0, is sent in an MTU option; at least 1280.
	MTU uint32
	// NoSourceLinkLayer leaves out the source link-layer address option.
	NoSourceLinkLayer bool
	// RDNSS and DNSSL (RFC 8106) with one lifetime each (default 3 ×
	// MaxInterval, the RFC's recommendation).
	RDNSS       []netip.Addr
	DNSSL       []string
	DNSLifetime time.Duration
	// PREF64 is the NAT64 prefix (RFC 8781), if any; its lifetime is 3 ×
	// MaxInterval rounded up to 8 s.
	PREF64 netip.Prefix

	// Rand is the source of the random intervals and delays; nil means
	// crypto/rand.Reader. A deterministic caller passes, say,
	// rand.NewChaCha8(seed) from math/rand/v2.
	Rand io.Reader
}

// withDefaults validates c and fills in defaults.
func (c AdvertiserConfig) withDefaults() (AdvertiserConfig, error) {
	if c.MaxInterval == 0 {
		c.MaxInterval = DefaultMaxRtrAdvInterval
	}
	if c.MinInterval == 0 {
		c.MinInterval = c.MaxInterval * 33 / 100
		if c.MinInterval < 3*time.Second {
			c.MinInterval = 3 * time.Second
		}
	}
	if c.MaxInterval < 4*time.Second || c.MaxInterval > 1800*time.Second {
		return c, fmt.Errorf("%w: MaxInterval %v not in [4s, 1800s]", ErrInvalidConfig, c.MaxInterval)
	}
	if c.MinInterval < 3*time.Second || c.MinInterval > c.MaxInterval*3/4 {
		return c, fmt.Errorf("%w: MinInterval %v not in [3s, %v]", ErrInvalidConfig, c.MinInterval, c.MaxInterval*3/4)
	}
	switch {
	case c.NotDefault:
		c.RouterLifetime = 0
	case c.RouterLifetime == 0:
		c.RouterLifetime = 3 * c.MaxInterval
		if c.RouterLifetime > maxRouterLifetime {
			c.RouterLifetime = maxRouterLifetime
		}
	case c.RouterLifetime < c.MaxInterval || c.RouterLifetime > maxRouterLifetime:
		return c, fmt.Errorf("%w: RouterLifetime %v not 0 or in [MaxInterval, 9000s]", ErrInvalidConfig, c.RouterLifetime)
	}
	if c.CurHopLimit == 0 {
		c.CurHopLimit = 64
	}
	switch {
	case c.ReachableTime < 0 || c.ReachableTime > maxReachableTime:
		return c, fmt.Errorf("%w: ReachableTime %v not in [0, %v]", ErrInvalidConfig, c.ReachableTime, maxReachableTime)
	case c.RetransTimer < 0 || c.RetransTimer > maxRetransTimer:
		return c, fmt.Errorf("%w: RetransTimer %v not in [0, %v]", ErrInvalidConfig, c.RetransTimer, maxRetransTimer)
	case c.MTU != 0 && c.MTU < minMTU:
		return c, fmt.Errorf("%w: MTU %d below IPv6's minimum of %d", ErrInvalidConfig, c.MTU, minMTU)
	case c.DNSLifetime < 0 || c.DNSLifetime > mdndp.Infinity:
		return c, fmt.Errorf("%w: DNSLifetime %v not in [0, %v]", ErrInvalidConfig, c.DNSLifetime, mdndp.Infinity)
	}
	// One option each, of at most 255 bytes (the 8-bit length of
	// mdlayher/ndp's encoder, which fails beyond).
	if len(c.RDNSS) > MaxRDNSS {
		return c, fmt.Errorf("%w: %d RDNSS servers; one option holds at most %d", ErrInvalidConfig, len(c.RDNSS), MaxRDNSS)
	}
	if n := dnsslLen(c.DNSSL); n > maxOptionLen {
		return c, fmt.Errorf("%w: DNSSL names take %d bytes encoded; one option holds at most %d", ErrInvalidConfig, n, maxOptionLen)
	}
	for _, name := range c.DNSSL {
		if err := checkDomain(name); err != nil {
			return c, fmt.Errorf("%w: DNSSL %q: %v", ErrInvalidConfig, name, err)
		}
	}
	for _, a := range c.RDNSS {
		if !a.Is6() || a.Is4In6() || a.IsMulticast() || a.IsUnspecified() || a.IsLoopback() {
			return c, fmt.Errorf("%w: RDNSS %v is not an IPv6 unicast address", ErrInvalidConfig, a)
		}
	}
	if c.DNSLifetime == 0 {
		c.DNSLifetime = 3 * c.MaxInterval
	}
	for i := range c.Prefixes {
		p := &c.Prefixes[i]
		if !p.Prefix.Addr().Is6() || p.Prefix.Masked() != p.Prefix || p.Prefix.Addr().Zone() != "" {
			return c, fmt.Errorf("%w: prefix %v is not a masked IPv6 prefix", ErrInvalidConfig, p.Prefix)
		}
		if p.Autonomous && p.Prefix.Bits() != 64 {
			// RFC 4862 5.5.3 (d): hosts ignore autonomous prefixes
			// whose length plus the IID length is not 128.
			return c, fmt.Errorf("%w: autonomous prefix %v is not a /64", ErrInvalidConfig, p.Prefix)
		}
		if p.Withdraw && (p.ValidLifetime != 0 || p.PreferredLifetime != 0) {
			return c, fmt.Errorf("%w: prefix %v is withdrawn but has lifetimes %v/%v; leave them 0", ErrInvalidConfig, p.Prefix, p.ValidLifetime, p.PreferredLifetime)
		}
		if !p.Withdraw && p.ValidLifetime == 0 {
			p.ValidLifetime = DefaultValidLifetime
		}
		if !p.Withdraw && p.PreferredLifetime == 0 {
			p.PreferredLifetime = min(DefaultPreferredLifetime, p.ValidLifetime)
		}
		if p.ValidLifetime < 0 || p.ValidLifetime > mdndp.Infinity || p.PreferredLifetime < 0 {
			return c, fmt.Errorf("%w: prefix %v lifetimes %v/%v not in [0, %v]", ErrInvalidConfig, p.Prefix, p.ValidLifetime, p.PreferredLifetime, mdndp.Infinity)
		}
		if p.PreferredLifetime > p.ValidLifetime {
			return c, fmt.Errorf("%w: prefix %v preferred lifetime %v exceeds valid %v", ErrInvalidConfig, p.Prefix, p.PreferredLifetime, p.ValidLifetime)
		}
	}
	for _, r := range c.Routes {
		if !r.Prefix.Addr().Is6() || r.Prefix.Addr().Is4In6() || r.Prefix.Masked() != r.Prefix || r.Prefix.Addr().Zone() != "" {
			return c, fmt.Errorf("%w: route %v is not a masked IPv6 prefix", ErrInvalidConfig, r.Prefix)
		}
		if r.Lifetime < 0 || r.Lifetime > mdndp.Infinity {
			return c, fmt.Errorf("%w: route %v lifetime %v not in [0, %v]", ErrInvalidConfig, r.Prefix, r.Lifetime, mdndp.Infinity)
		}
	}
	if c.PREF64.IsValid() {
		if !c.PREF64.Addr().Is6() || c.PREF64.Addr().Is4In6() || c.PREF64.Masked() != c.PREF64 || c.PREF64.Addr().Zone() != "" {
			return c, fmt.Errorf("%w: PREF64 %v is not a masked IPv6 prefix", ErrInvalidConfig, c.PREF64)
		}
		switch c.PREF64.Bits() {
		case 96, 64, 56, 48, 40, 32:
		default:
			return c, fmt.Errorf("%w: PREF64 %v: length not in RFC 8781", ErrInvalidConfig, c.PREF64)
		}
	}
	// Whatever the checks above let through must encode, and fit one
	// unfragmented packet, with the largest source link-layer option.
	b, err := mdndp.MarshalMessage(c.message(make(net.HardwareAddr, 6), c.RouterLifetime))
	if err != nil {
		return c, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if len(b) > MaxRASize {
		return c, fmt.Errorf("%w: the RA takes %d bytes, more than the %d of an unfragmented minimum-MTU packet: fewer prefixes, routes, RDNSS or DNSSL", ErrInvalidConfig, len(b), MaxRASize)
	}
	return c, nil
}

// dnsslLen is the encoded length of a DNSSL option of names (RFC 8106,
// Section 5.2): 8 bytes of header, each name as labels with a length byte
// and a final zero, padded to 8 bytes.
func dnsslLen(names []string) int {
	if len(names) == 0 {
		return 0
	}
	n := 8
	for _, name := range names {
		n += len(strings.TrimSuffix(name, ".")) + 2
	}
	return (n + 7) / 8 * 8
}

// checkDomain checks a DNSSL name's shape (RFC 1035, Section 2.3.4):
// labels of 1 to 63 bytes, at most 253 bytes in all.
func checkDomain(name string) error {
	name = strings.TrimSuffix(name, ".")
	if name == "" || len(name) > 253 {
		return fmt.Errorf("name of %d bytes; give 1 to 253", len(name))
	}
	for _, l := range strings.Split(name, ".") {
		if l == "" || len(l) > 63 {
			return fmt.Errorf("label of %d bytes; give 1 to 63", len(l))
		}
	}
	return nil
}

// finalMessage builds the RA sent when the advertiser stops: router
// lifetime 0 (RFC 4861 6.2.5), and lifetime 0 for the RDNSS and DNSSL
// servers (RFC 8106 5.1: "no longer be used"), the more-specific routes
// (RFC 4191 2.3) and the PREF64 (RFC 8781 4), as radvd does with its
// defaults FlushRDNSS, FlushDNSSL and RemoveRoute. Prefixes keep their
// lifetimes: a host's addresses outlive the router (RFC 4862 5.5.3 would
// ignore a short valid lifetime anyway).
func (c *AdvertiserConfig) finalMessage(mac net.HardwareAddr) *mdndp.RouterAdvertisement {
	ra := c.message(mac, 0)
	for _, o := range ra.Options {
		switch o := o.(type) {
		case *mdndp.RecursiveDNSServer:
			o.Lifetime = 0
		case *mdndp.DNSSearchList:
			o.Lifetime = 0
		case *mdndp.RouteInformation:
			o.RouteLifetime = 0
		case *mdndp.PREF64:
			o.Lifetime = 0
		}
	}
	return ra
}

// message builds the RA, with routerLifetime in place of the configured
// one.
func (c *AdvertiserConfig) message(mac net.HardwareAddr, routerLifetime time.Duration) *mdndp.RouterAdvertisement {
	ra := &mdndp.RouterAdvertisement{
		CurrentHopLimit:           c.CurHopLimit,
		ManagedConfiguration:      c.Managed,
		OtherConfiguration:        c.Other,
		RouterSelectionPreference: c.Preference,
		RouterLifetime:            routerLifetime,
		ReachableTime:             c.ReachableTime,
		RetransmitTimer:           c.RetransTimer,
	}
	if !c.NoSourceLinkLayer && len(mac) == 6 {
		ra.Options = append(ra.Options, &mdndp.LinkLayerAddress{Direction: mdndp.Source, Addr: mac})
	}
	if c.MTU != 0 {
		ra.Options = append(ra.Options, mdndp.NewMTU(c.MTU))
	}
	for _, p := range c.Prefixes {
		ra.Options = append(ra.Options, &mdndp.PrefixInformation{
			PrefixLength:                   uint8(p.Prefix.Bits()),
			OnLink:                         p.OnLink,
			AutonomousAddressConfiguration: p.Autonomous,
			ValidLifetime:                  p.ValidLifetime,
			PreferredLifetime:              p.PreferredLifetime,
			Prefix:                         p.Prefix.Addr(),
		})
	}
	for _, r := range c.Routes {
		ra.Options = append(ra.Options, &mdndp.RouteInformation{
			PrefixLength:  uint8(r.Prefix.Bits()),
			Preference:    r.Preference,
			RouteLifetime: r.Lifetime,
			Prefix:        r.Prefix.Addr(),
		})
	}
	if len(c.RDNSS) > 0 {
		ra.Options = append(ra.Options, &mdndp.RecursiveDNSServer{Lifetime: c.DNSLifetime, Servers: c.RDNSS})
	}
	if len(c.DNSSL) > 0 {
		ra.Options = append(ra.Options, &mdndp.DNSSearchList{Lifetime: c.DNSLifetime, DomainNames: c.DNSSL})
	}
	if c.PREF64.IsValid() {
		lt := (3*c.MaxInterval + 7*time.Second) / (8 * time.Second) * (8 * time.Second)
		if lt > 8191*8*time.Second {
			lt = 8191 * 8 * time.Second
		}
		ra.Options = append(ra.Options, &mdndp.PREF64{Lifetime: lt, Prefix: c.PREF64})
	}
	return ra
}
