package slaac

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
)

// Application IDs systemd-networkd passes to sd_id128_get_machine_app_specific.
var (
	// NetworkdNDiscAppID keys addresses formed from router advertisements
	// (NDISC_APP_ID).
	NetworkdNDiscAppID = [16]byte{0x13, 0xac, 0x81, 0xa7, 0xd5, 0x3f, 0x49, 0x78, 0x92, 0x79, 0x5d, 0x0c, 0x29, 0x3a, 0xbc, 0x7e}
	// NetworkdDHCPPDAppID keys addresses formed from delegated prefixes
	// (DHCP_PD_APP_ID).
	NetworkdDHCPPDAppID = [16]byte{0xfb, 0xb9, 0x37, 0xca, 0x4a, 0xed, 0x4a, 0x4d, 0xb0, 0x70, 0x7f, 0xaa, 0x71, 0xc0, 0xc9, 0x85}
	// NetworkdRAdvAppID keys addresses networkd's own router advertiser
	// forms (RADV_APP_ID).
	NetworkdRAdvAppID = [16]byte{0x1f, 0x1e, 0x90, 0xc8, 0x5c, 0x78, 0x4f, 0xdc, 0x8e, 0x61, 0x2d, 0x59, 0x0d, 0x53, 0xc1, 0x25}

	networkdStableSecretAppID1 = [16]byte{0xaa, 0x05, 0x1d, 0x94, 0x43, 0x68, 0x45, 0x07, 0xb9, 0x73, 0xf1, 0xe8, 0xe4, 0xb7, 0x34, 0x52}
	networkdStableSecretAppID2 = [16]byte{0x52, 0xc4, 0x40, 0xa0, 0x9f, 0x2f, 0x48, 0x58, 0xa9, 0x3a, 0xf6, 0x29, 0x25, 0xba, 0x7a, 0x7d}
)

// MachineAppSpecific is systemd's sd_id128_get_machine_app_specific: the
// first 16 bytes of HMAC-SHA256 keyed by the machine ID over the application
// ID, made a version-4 UUID (byte 6 high nibble 4, byte 8 variant 10).
func MachineAppSpecific(machineID, appID [16]byte) [16]byte {
	m := hmac.New(sha256.New, machineID[:])
	m.Write(appID[:])
	var id [16]byte
	copy(id[:], m.Sum(nil))
	id[6] = id[6]&0x0f | 0x40
	id[8] = id[8]&0x3f | 0x80
	return id
}

// NetworkdKey returns the key systemd-networkd uses for Token=prefixstable
// without a secret on addresses from router advertisements.
func NetworkdKey(machineID [16]byte) [16]byte {
	return MachineAppSpecific(machineID, NetworkdNDiscAppID)
}

// NetworkdLinkLocalSecret returns the stable_secret systemd-networkd writes
// to the kernel for IPv6LinkLocalAddressGenerationMode=stable-privacy
// without IPv6StableSecretAddress=: two SipHash-2-4 values of the interface
// name with its terminating NUL, each keyed by an application-specific key,
// stored little-endian. The kernel then forms the link-local address from it
// ([Linux]) when the link comes up. On a link networkd 252 finds already up
// with a link-local (not at boot), writing the secret replaces nothing: the
// link keeps its EUI-64 link-local until it goes down and up again.
func NetworkdLinkLocalSecret(machineID [16]byte, ifname string) [16]byte {
	var a [16]byte
	for i, app := range [2][16]byte{networkdStableSecretAppID1, networkdStableSecretAppID2} {
		k := MachineAppSpecific(machineID, app)
		h := newSipHash24(&k)
		h.writeString(ifname)
		h.write([]byte{0}) // siphash24_string hashes the terminating NUL
		binary.LittleEndian.PutUint64(a[8*i:], h.sum64())
	}
	return a
}

// Networkd reproduces systemd-networkd's Token=prefixstable identifiers
// (systemd 252), bit for bit, as networkd-address-generation.c computes
// them:
//
//	SipHash-2-4_key( prefix (8) | ifname | current hardware address |
//	                 DAD counter (1) )
//
// stored little-endian as the identifier. networkd tries counters 0, 1 and
// 2, but its validity test compares the reserved ranges with the whole
// address, so in effect it tests the prefix: every prefix outside
// ::/64, 0200:5eff:fe00::/40 and fdff:ffff:ffff:ff80::/57 takes counter 0's
// identifier even when that identifier is reserved (odds about 2^-40), and a
// prefix inside them gets no address ([ErrNoAddress]). networkd 252 does
// not regenerate after a DAD conflict.
type Networkd struct {
	// Key is the secret of Token=prefixstable:PREFIX,SECRET, or
	// [NetworkdKey] of the machine ID when none is given.
	Key [16]byte
	// IfName is the interface name.
	IfName string
	// MAC is the current hardware address (not the permanent one), at
	// most 32 bytes; nil for a device without one (WireGuard, tun). For
	// InfiniBand (20 bytes) only the last 8 bytes are hashed.
	MAC net.HardwareAddr
}

// IID implements [Generator]. dadCounter is the first counter tried
// (networkd itself always starts at 0).
func (g *Networkd) IID(prefix netip.Prefix, dadCounter int) (IID, int, error) {
	if g == nil {
		return IID{}, dadCounter, errNilGenerator("Networkd")
	}
	if len(g.MAC) > 32 {
		return IID{}, dadCounter, fmt.Errorf("%w: hardware address of %d bytes is longer than MAX_ADDR_LEN (32)", ErrMAC, len(g.MAC))
	}
	if err := CheckPrefix(prefix); err != nil {
		return IID{}, dadCounter, err
	}
	if dadCounter < 0 || dadCounter >= IDGenRetries {
		return IID{}, dadCounter, fmt.Errorf("%w: networkd tries DAD counters 0..%d, got %d", ErrIDGenRetries, IDGenRetries-1, dadCounter)
	}
	p := prefix.Addr().As16()
	if networkdInvalid(p) {
		return IID{}, dadCounter, fmt.Errorf("%w: systemd-networkd rejects every address in %v (its reserved-range test covers the prefix)", ErrNoAddress, prefix)
	}
	hw := []byte(g.MAC)
	if len(hw) == 20 {
		hw = hw[12:]
	}
	h := newSipHash24(&g.Key)
	h.write(p[:8])
	h.writeString(g.IfName)
	h.write(hw)
	h.write([]byte{byte(dadCounter)})
	var iid IID
	binary.LittleEndian.PutUint64(iid[:], h.sum64())
	return iid, dadCounter, nil
}

// networkdInvalid is networkd's stable_private_address_is_valid negated:
// in6_addr_prefix_covers of ::/64, 0200:5eff:fe00::/40 and
// fdff:ffff:ffff:ff80::/57 against the full address.
func networkdInvalid(a [16]byte) bool {
	if binary.BigEndian.Uint64(a[:8]) == 0 {
		return true
	}
	if a[0] == 0x02 && a[1] == 0x00 && a[2] == 0x5e && a[3] == 0xff && a[4] == 0xfe {
		return true
	}
	return a[0] == 0xfd && a[1] == 0xff && a[2] == 0xff && a[3] == 0xff &&
		a[4] == 0xff && a[5] == 0xff && a[6] == 0xff && a[7]&0x80 == 0x80
}
