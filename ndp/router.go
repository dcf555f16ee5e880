package ndp

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"time"

	mdndp "github.com/mdlayher/ndp"
)

// Preference is a default router preference (RFC 4191, Section 2.2).
type Preference = mdndp.Preference

// Router preferences (RFC 4191, Section 2.2).
const (
	PreferenceLow    = mdndp.Low
	PreferenceMedium = mdndp.Medium
	PreferenceHigh   = mdndp.High
)

// Infinity is the lifetime that never expires (RFC 4861, Section 4.6.2).
const Infinity = mdndp.Infinity

// A Router is what one router advertises on the link: the fields of its
// Router Advertisement (RFC 4861, Section 4.2) and of the options it carries.
// When a router sends several advertisements during a solicitation, the
// last one wins.
type Router struct {
	Addr netip.Addr       // source address (link-local), without zone
	MAC  net.HardwareAddr // from the Source Link-Layer Address option, if any

	HopLimit      uint8
	Managed       bool // M flag: addresses via DHCPv6
	Other         bool // O flag: other configuration via DHCPv6
	Preference    Preference
	Lifetime      time.Duration // router lifetime; 0 means "not a default router"
	ReachableTime time.Duration
	RetransTimer  time.Duration

	MTU           uint32    // 0 when no MTU option was sent
	Prefixes      []Prefix  // Prefix Information (RFC 4861, Section 4.6.2)
	Routes        []Route   // Route Information (RFC 4191, Section 2.3)
	RDNSS         []RDNSS   // RFC 8106, Section 5.1
	DNSSL         []DNSSL   // RFC 8106, Section 5.2
	PREF64        []PREF64  // RFC 8781
	CaptivePortal string    // RFC 8910
	Skipped       int       // options dropped as malformed
	Received      time.Time // when the advertisement arrived (zero when parsed offline)
}

// Prefix is one Prefix Information option (RFC 4861, Section 4.6.2).
type Prefix struct {
	Prefix            netip.Prefix
	OnLink            bool // L flag
	Autonomous        bool // A flag: hosts form addresses with SLAAC
	ValidLifetime     time.Duration
	PreferredLifetime time.Duration
}

// Route is one Route Information option (RFC 4191, Section 2.3).
type Route struct {
	Prefix     netip.Prefix
	Preference Preference
	Lifetime   time.Duration
}

// RDNSS is one Recursive DNS Server option (RFC 8106, Section 5.1).
type RDNSS struct {
	Servers  []netip.Addr
	Lifetime time.Duration
}

// DNSSL is one DNS Search List option (RFC 8106, Section 5.2).
type DNSSL struct {
	Domains  []string
	Lifetime time.Duration
}

// raHeaderLen is the ICMPv6 header plus the fixed RA body (RFC 4861, 4.2).
const raHeaderLen = 16

// ParseRouterAdvertisement decodes an ICMPv6 Router Advertisement (type
// 134, as a raw ICMPv6 socket returns it: no IPv6 header) into a Router.
// The source address is not part of the message; set Router.Addr yourself.
//
// Options are decoded one at a time, so a malformed option costs only
// itself (counted in Skipped); a truncated option list or a zero-length
// option stops decoding with a *ParseError, as RFC 4861, Section 4.6 asks.
// PREF64 is decoded by [PREF64.UnmarshalBinary].
func ParseRouterAdvertisement(b []byte) (*Router, error) {
	if len(b) < raHeaderLen {
		return nil, &ParseError{Type: "router advertisement", Offset: len(b), Err: io.ErrUnexpectedEOF}
	}
	if b[0] != byte(134) {
		return nil, &ParseError{Type: "router advertisement", Offset: 0, Err: fmt.Errorf("%w: ICMPv6 type %d is not 134", ErrInvalidMessage, b[0])}
	}
	hdr, err := mdndp.ParseMessage(b[:raHeaderLen])
	if err != nil {
		return nil, &ParseError{Type: "router advertisement", Offset: 4, Err: fmt.Errorf("%w: %v", ErrInvalidMessage, err)}
	}
	ra := hdr.(*mdndp.RouterAdvertisement)
	r := &Router{
		HopLimit:      ra.CurrentHopLimit,
		Managed:       ra.ManagedConfiguration,
		Other:         ra.OtherConfiguration,
		Preference:    ra.RouterSelectionPreference,
		Lifetime:      ra.RouterLifetime,
		ReachableTime: ra.ReachableTime,
		RetransTimer:  ra.RetransmitTimer,
	}
	buf := make([]byte, 0, 64)
	for i := raHeaderLen; i < len(b); {
		if len(b)-i < 2 {
			return nil, &ParseError{Type: "router advertisement option", Offset: i, Err: io.ErrUnexpectedEOF}
		}
		l := int(b[i+1]) * 8
		if l == 0 {
			return nil, &ParseError{Type: "router advertisement option", Offset: i + 1, Err: fmt.Errorf("%w: zero length", ErrInvalidOption)}
		}
		if l > len(b)-i {
			return nil, &ParseError{Type: "router advertisement option", Offset: i, Err: io.ErrUnexpectedEOF}
		}
		opt := b[i : i+l]
		i += l
		if opt[0] == PREF64OptionType {
			var p PREF64
			if err := p.UnmarshalBinary(opt); err != nil {
				r.Skipped++
				continue
			}
			r.PREF64 = append(r.PREF64, p)
			continue
		}
		// Decode one option at a time through mdlayher/ndp by wrapping it
		// in a bare RA header: its parser rejects a whole message for one
		// bad option.
		buf = append(append(buf[:0], b[:raHeaderLen]...), opt...)
		m, err := mdndp.ParseMessage(buf)
		if err != nil || len(m.(*mdndp.RouterAdvertisement).Options) != 1 {
			r.Skipped++
			continue
		}
		r.add(m.(*mdndp.RouterAdvertisement).Options[0])
	}
	return r, nil
}

func (r *Router) add(o mdndp.Option) {
	switch o := o.(type) {
	case *mdndp.LinkLayerAddress:
		if o.Direction == mdndp.Source {
			r.MAC = slices.Clone(o.Addr)
		}
	case *mdndp.MTU:
		r.MTU = o.MTU
	case *mdndp.PrefixInformation:
		p, err := o.Prefix.Prefix(int(o.PrefixLength))
		if err != nil {
			r.Skipped++
			return
		}
		r.Prefixes = append(r.Prefixes, Prefix{
			Prefix: p, OnLink: o.OnLink, Autonomous: o.AutonomousAddressConfiguration,
			ValidLifetime: o.ValidLifetime, PreferredLifetime: o.PreferredLifetime,
		})
	case *mdndp.RouteInformation:
		p, err := o.Prefix.Prefix(int(o.PrefixLength))
		if err != nil {
			r.Skipped++
			return
		}
		r.Routes = append(r.Routes, Route{Prefix: p, Preference: o.Preference, Lifetime: o.RouteLifetime})
	case *mdndp.RecursiveDNSServer:
		r.RDNSS = append(r.RDNSS, RDNSS{Servers: slices.Clone(o.Servers), Lifetime: o.Lifetime})
	case *mdndp.DNSSearchList:
		r.DNSSL = append(r.DNSSL, DNSSL{Domains: slices.Clone(o.DomainNames), Lifetime: o.Lifetime})
	case *mdndp.CaptivePortal:
		r.CaptivePortal = o.URI
	}
}
