package slaac

import (
	"net"
	"net/netip"
)

// AddrFlags are the Linux kernel's flags of a local address (IFA_F_* in
// rtnetlink's ifa_flags and IFA_FLAGS), as `ip -6 addr` prints them.
type AddrFlags uint32

// The kernel's address flags Classify reads, with the kernel's values.
const (
	// FlagTemporary is IFA_F_TEMPORARY: an RFC 8981 temporary address.
	FlagTemporary AddrFlags = 0x01
	// FlagPermanent is IFA_F_PERMANENT: no lifetimes; configured by
	// hand (or a kernel link-local), not learnt from an RA.
	FlagPermanent AddrFlags = 0x80
	// FlagManageTempAddr is IFA_F_MANAGETEMPADDR: the kernel makes
	// temporary addresses from this one's prefix.
	FlagManageTempAddr AddrFlags = 0x100
	// FlagStablePrivacy is IFA_F_STABLE_PRIVACY: formed by the kernel's
	// addr_gen_mode 2 or 3.
	FlagStablePrivacy AddrFlags = 0x800
)

// Evidence is what a caller knows about an address besides the address
// itself; every field is optional, and the zero Evidence classifies by the
// identifier alone.
type Evidence struct {
	// MAC is the hardware address of the host that holds the address
	// (for a neighbour, the link-layer address it answers from).
	MAC net.HardwareAddr
	// Local says the address is this host's own and Flags are its
	// kernel flags (read with netlink). Local addresses are classified
	// by what the kernel says, never by guesswork.
	Local bool
	// Flags are the kernel's IFA_F_* flags; read only when Local.
	Flags AddrFlags
	// Stable are the host's stable generators when its configuration is
	// known (this host's, from its Host): one reproducing the address
	// with a DAD counter 0 to 3 verifies it as stable-privacy. Give the
	// link-local generator too (for systemd-networkd it is another one).
	Stable []Generator
	// Siblings are the host's other addresses (say, the ones a neighbour
	// scan grouped under its MAC); they let Classify tell a likely
	// temporary address. The address itself may be among them.
	Siblings []netip.Addr
}

// Classify tells how addr's interface identifier was formed, testing in
// this order:
//
//  1. [KindTemporary] when ev.Local and the kernel flags it temporary;
//  2. [KindReserved] when the identifier is in the RFC 5453 registry;
//  3. [KindEUI64] when it is the modified EUI-64 of ev.MAC (or, without
//     a MAC, has the ff:fe form of one), [KindEUI64Other] when it has
//     that form but ev.MAC is another MAC;
//  4. [KindStablePrivacy] when a generator of ev.Stable reproduces it
//     (DAD counter 0 to 3), or ev.Local and the kernel flags it
//     stable-privacy;
//  5. [KindManual] for a low-byte identifier (upper 48 bits zero: ::1,
//     ::53, ::ffff; not ::1:1) or, when ev.Local, a global address the kernel holds as
//     permanent (added by hand or by a static configuration);
//  6. [KindLikelyTemporary] for a global address of a remote host
//     (not ev.Local) when one of ev.Siblings in the same /64 is that
//     host's stable address: its EUI-64 (of ev.MAC, or any EUI-64 without
//     a MAC) or one ev.Stable verifies. A host forms one stable address per
//     prefix (RFC 4862, RFC 7217), so another opaque one beside it is an
//     RFC 8981 temporary address, or (rarely, and not told apart) a
//     DHCPv6 lease. Two opaque siblings without a known stable one are not
//     told apart: one is probably stable and the others temporary, but
//     nothing on the wire says which. Link-local addresses are never
//     temporary (RFC 8981 applies to global prefixes only).
//  7. [KindOpaque] otherwise; [KindUnknown] for a value that is not an
//     IPv6 address.
//
// An EUI-64 form is taken as EUI-64: a random identifier carries ff:fe in
// bytes 3 and 4 once in 65536 tries. Classify needs no host
// configuration and does no I/O. It does not allocate, unless a generator
// of ev.Stable does when it refuses a DAD counter.
func Classify(addr netip.Addr, ev Evidence) Kind {
	if !addr.Is6() || addr.Is4In6() {
		return KindUnknown
	}
	addr = addr.WithZone("")
	iid := IIDFrom(addr)
	if ev.Local && ev.Flags&FlagTemporary != 0 {
		return KindTemporary
	}
	if iid.Reserved() {
		return KindReserved
	}
	if k := eui64Kind(iid, ev.MAC); k != KindUnknown {
		return k
	}
	if verified(addr, ev.Stable) || ev.Local && ev.Flags&FlagStablePrivacy != 0 {
		return KindStablePrivacy
	}
	linkLocal := addr.IsLinkLocalUnicast()
	if iid.Uint64() < 1<<16 || ev.Local && !linkLocal && ev.Flags&FlagPermanent != 0 {
		return KindManual
	}
	if !ev.Local && !linkLocal && stableSibling(addr, ev) {
		return KindLikelyTemporary
	}
	return KindOpaque
}

// eui64Kind returns KindEUI64 or KindEUI64Other for an EUI-64 identifier,
// KindUnknown for any other.
func eui64Kind(iid IID, mac net.HardwareAddr) Kind {
	if len(mac) > 0 {
		if e, err := EUI64(mac); err == nil && e == iid {
			return KindEUI64
		}
	}
	if iid[3] != 0xff || iid[4] != 0xfe {
		return KindUnknown
	}
	if len(mac) == 0 {
		return KindEUI64
	}
	return KindEUI64Other
}

// verified reports whether a generator of gens forms addr on its /64 with
// a DAD counter from 0 to 3.
func verified(addr netip.Addr, gens []Generator) bool {
	if len(gens) == 0 {
		return false
	}
	p := netip.PrefixFrom(addr, 64).Masked()
	iid := IIDFrom(addr)
	for _, g := range gens {
		if g == nil {
			continue
		}
		last := IDGenRetries
		switch g.(type) {
		case EUI64Generator, StaticIID:
			last = 0 // no retries: a second try only builds an error
		}
		for dad := 0; dad <= last; dad++ {
			got, _, err := g.IID(p, dad)
			if err != nil {
				break
			}
			if got == iid {
				return true
			}
		}
	}
	return false
}

// stableSibling reports whether another address of ev.Siblings in addr's
// /64 is the host's stable address.
func stableSibling(addr netip.Addr, ev Evidence) bool {
	p := netip.PrefixFrom(addr, 64).Masked()
	for _, s := range ev.Siblings {
		s = s.WithZone("")
		if s == addr || !p.Contains(s) {
			continue
		}
		siid := IIDFrom(s)
		if siid.Reserved() {
			continue
		}
		if k := eui64Kind(siid, ev.MAC); k == KindEUI64 {
			return true
		}
		if verified(s, ev.Stable) {
			return true
		}
	}
	return false
}
