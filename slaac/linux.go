package slaac

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"strings"
)

// LinuxIDGenRetries is the default of net.ipv6.idgen_retries.
const LinuxIDGenRetries = 3

// Linux reproduces the Linux kernel's stable-privacy identifiers
// (addr_gen_mode 2, and 3 once its random secret is known), bit for bit, as
// net/ipv6/addrconf.c ipv6_generate_stable_address computes them:
//
//   - one 64-byte block: secret (16) | prefix (8) | the device's permanent
//     hardware address zero-filled to MAX_ADDR_LEN (32) | dad_count (1) |
//     zeros (7);
//   - one raw SHA-1 compression of that block from the standard initial
//     value, with no padding or finalisation;
//   - the identifier is the state words H0 and H1 stored in the CPU's byte
//     order, so the same secret and prefix give another address on a
//     big-endian CPU (classic MIPS routers such as ath79, s390x, ppc64)
//     than on a little-endian one (mipsel routers such as MT7621, arm,
//     arm64, x86, riscv64): set ByteOrder to the predicted host's.
//
// A reserved identifier (the kernel's check also covers 0200:5eff:ff..) is
// skipped by incrementing dad_count; beyond idgen_retries the kernel forms
// no address. After a DAD conflict the kernel retries with dad_count+1 up to
// idgen_retries.
type Linux struct {
	// Secret is the interface's stable_secret (or the "default" one).
	Secret [16]byte
	// PermAddr is the device's permanent hardware address (dev->perm_addr,
	// `ip link` "permaddr"); nil for veth, bridge, macvlan and other
	// virtual devices, whose permanent address is all zero. It is NOT the
	// current MAC. At most 32 bytes.
	PermAddr net.HardwareAddr
	// IDGenRetries is net.ipv6.idgen_retries; 0 means
	// [LinuxIDGenRetries]; a negative value is an error.
	IDGenRetries int
	// ByteOrder is the byte order of the CPU whose kernel is predicted:
	// binary.BigEndian for classic MIPS routers (ath79), s390x and ppc64;
	// binary.LittleEndian for mipsel routers (MT7621), arm, arm64, x86
	// and riscv64. nil means this host's own (binary.NativeEndian).
	ByteOrder binary.ByteOrder
}

// ParseLinuxSecret parses a stable_secret as the sysctl takes and shows it:
// an IPv6 address literal such as "2001:db8::1".
func ParseLinuxSecret(s string) ([16]byte, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is6() || a.Zone() != "" {
		off := addrOffset(s)
		if i := strings.IndexByte(s, '%'); i >= 0 {
			off = i
		}
		return [16]byte{}, &ParseError{Type: "stable_secret", Offset: off, Err: fmt.Errorf("%w: %q: want an IPv6 address literal such as 2001:db8::1", ErrSecret, s)}
	}
	return a.As16(), nil
}

// IID implements [Generator] with the kernel's algorithm.
func (g *Linux) IID(prefix netip.Prefix, dadCounter int) (IID, int, error) {
	if g == nil {
		return IID{}, dadCounter, errNilGenerator("Linux")
	}
	if err := CheckPrefix(prefix); err != nil {
		return IID{}, dadCounter, err
	}
	return g.iid(prefix.Addr().As16(), dadCounter, linuxReserved)
}

func (g *Linux) iid(p [16]byte, dad int, reserved func(IID) bool) (IID, int, error) {
	if len(g.PermAddr) > 32 {
		return IID{}, dad, fmt.Errorf("%w: permanent address longer than MAX_ADDR_LEN (32)", ErrMAC)
	}
	if g.IDGenRetries < 0 {
		return IID{}, dad, fmt.Errorf("slaac: Linux.IDGenRetries %d is negative (0 means %d)", g.IDGenRetries, LinuxIDGenRetries)
	}
	retries := g.IDGenRetries
	if retries == 0 {
		retries = LinuxIDGenRetries
	}
	if dad < 0 || dad > retries {
		return IID{}, dad, fmt.Errorf("%w: dad_count %d, idgen_retries %d", ErrIDGenRetries, dad, retries)
	}
	big := isBigEndian(g.ByteOrder)
	var block [64]byte
	copy(block[0:16], g.Secret[:])
	copy(block[16:24], p[:8])
	copy(block[24:56], g.PermAddr)
	for ; dad <= retries; dad++ {
		block[56] = byte(dad)
		h := sha1Block(&block)
		var iid IID
		if big {
			binary.BigEndian.PutUint32(iid[0:], h[0])
			binary.BigEndian.PutUint32(iid[4:], h[1])
		} else {
			binary.LittleEndian.PutUint32(iid[0:], h[0])
			binary.LittleEndian.PutUint32(iid[4:], h[1])
		}
		if !reserved(iid) {
			return iid, dad, nil
		}
	}
	return IID{}, dad, fmt.Errorf("%w: every identifier up to idgen_retries %d is reserved", ErrIDGenRetries, retries)
}

// LinkLocal returns the stable-privacy link-local address the kernel forms
// (fe80::/64 through the same function) for the given DAD counter.
func (g *Linux) LinkLocal(dadCounter int) (netip.Addr, int, error) {
	if g == nil {
		return netip.Addr{}, dadCounter, errNilGenerator("Linux")
	}
	iid, used, err := g.iid(linkLocalPrefix.As16(), dadCounter, linuxReserved)
	if err != nil {
		return netip.Addr{}, used, err
	}
	return LinkLocal(iid), used, nil
}

// linuxReserved is the kernel's ipv6_reserved_interfaceid: the IANA list,
// except that the Ethernet-block test matches 0200:5eff:fe.. and
// 0200:5eff:ff.. alike.
func linuxReserved(i IID) bool {
	if i == (IID{}) {
		return true
	}
	if i[0] == 0x02 && i[1] == 0x00 && i[2] == 0x5e && i[3] == 0xff && i[4]&0xfe == 0xfe {
		return true
	}
	return i[0] == 0xfd && i[1] == 0xff && i[2] == 0xff && i[3] == 0xff &&
		i[4] == 0xff && i[5] == 0xff && i[6] == 0xff && i[7]&0x80 == 0x80
}

// nativeBigEndian says whether this host's CPU is big-endian.
var nativeBigEndian = binary.NativeEndian.Uint16([]byte{0, 1}) == 1

// isBigEndian reports whether o (nil: this host's order) stores the most
// significant byte first; the standard library's orders are recognised
// without a call, so forming an identifier does not allocate.
func isBigEndian(o binary.ByteOrder) bool {
	switch o {
	case nil, binary.NativeEndian:
		return nativeBigEndian
	case binary.BigEndian:
		return true
	case binary.LittleEndian:
		return false
	}
	b := make([]byte, 2)
	o.PutUint16(b, 1)
	return b[0] == 0
}
