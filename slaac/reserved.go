package slaac

import "net/netip"

// ReservedRange is one entry of the IANA "Reserved IPv6 Interface
// Identifiers" registry (RFC 5453 section 4): the identifiers First through
// Last inclusive must not be formed by autoconfiguration.
type ReservedRange struct {
	First, Last IID
	// Name is the registry's description.
	Name string
	// Reference is the document that reserves the range.
	Reference string
}

// Contains reports whether iid lies in r.
func (r ReservedRange) Contains(iid IID) bool {
	v := iid.Uint64()
	return v >= r.First.Uint64() && v <= r.Last.Uint64()
}

// reservedRanges is the IANA registry as of RFC 5453 and its updates.
var reservedRanges = [...]ReservedRange{
	{
		First:     IID{},
		Last:      IID{},
		Name:      "Subnet-Router Anycast",
		Reference: "RFC 4291",
	},
	{
		First:     IID{0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x00, 0x00},
		Last:      IID{0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x52, 0x12},
		Name:      "Reserved IPv6 Interface Identifiers corresponding to the IANA Ethernet Block",
		Reference: "RFC 4291",
	},
	{
		First:     IID{0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x52, 0x13},
		Last:      IID{0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x52, 0x13},
		Name:      "Proxy Mobile IPv6",
		Reference: "RFC 6543",
	},
	{
		First:     IID{0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x52, 0x14},
		Last:      IID{0x02, 0x00, 0x5e, 0xff, 0xfe, 0xff, 0xff, 0xff},
		Name:      "Reserved IPv6 Interface Identifiers corresponding to the IANA Ethernet Block",
		Reference: "RFC 4291",
	},
	{
		First:     IID{0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x80},
		Last:      IID{0xfd, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		Name:      "Reserved Subnet Anycast Addresses",
		Reference: "RFC 2526",
	},
}

// ReservedRanges returns a copy of the IANA reserved-IID registry
// (RFC 5453 section 4) in ascending order.
func ReservedRanges() []ReservedRange {
	r := reservedRanges
	return r[:]
}

// Reserved reports whether i is in the IANA reserved-IID registry
// (RFC 5453): the subnet-router anycast identifier (all zeros), the
// 0200:5eff:fe00::/40 block derived from the IANA Ethernet block, or the
// RFC 2526 subnet anycast range fdff:ffff:ffff:ff80 through
// fdff:ffff:ffff:ffff. Generators in this package never return one.
func (i IID) Reserved() bool {
	if i == (IID{}) {
		return true
	}
	if i[0] == 0x02 && i[1] == 0x00 && i[2] == 0x5e && i[3] == 0xff && i[4] == 0xfe {
		return true
	}
	return i[0] == 0xfd && i[1] == 0xff && i[2] == 0xff && i[3] == 0xff &&
		i[4] == 0xff && i[5] == 0xff && i[6] == 0xff && i[7] >= 0x80
}

// IsReserved reports whether the interface identifier of addr is reserved;
// see [IID.Reserved].
func IsReserved(addr netip.Addr) bool { return IIDFrom(addr).Reserved() }
