package slaac

import (
	"bytes"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"testing"
)

// FuzzEUI64 checks that every 48-bit MAC survives EUI64 then MAC, and that
// every IID carrying ff:fe survives MAC then EUI64.
func FuzzEUI64(f *testing.F) {
	f.Add([]byte{0x00, 0x16, 0x3e, 0x65, 0x2b, 0x99}) // LXD MAC (OUI 00:16:3e)
	f.Add([]byte{0x02, 0x00, 0x5e, 0x00, 0x00, 0x00}) // forms a reserved IID
	f.Add([]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		iid, err := EUI64(net.HardwareAddr(b))
		if len(b) != 6 && len(b) != 8 {
			if err == nil {
				t.Fatalf("EUI64(%x) accepted %d bytes", b, len(b))
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		mac, ok := iid.MAC()
		if len(b) == 6 {
			if !ok || !bytes.Equal(mac, b) {
				t.Fatalf("MAC(EUI64(%x)) = %v, %v", b, mac, ok)
			}
		}
		if ok {
			again, err := EUI64(mac)
			if err != nil || again != iid {
				t.Fatalf("EUI64(MAC(%v)) = %v, %v", iid, again, err)
			}
		}
		s := iid.String()
		p, err := ParseIID(s)
		if err != nil || p != iid {
			t.Fatalf("ParseIID(%q) = %v, %v; want %v", s, p, err, iid)
		}
	})
}

// FuzzNoReserved checks that no generator returns an identifier from the
// IANA reserved registry (RFC 5453), whatever the prefix, secret, names and
// DAD counter; systemd-networkd, which really can, is checked against its
// own rule instead.
func FuzzNoReserved(f *testing.F) {
	f.Add([]byte{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2}, []byte("0123456789abcdef"), "eth0", "net", []byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}, uint8(0))
	f.Add([]byte{0x02, 0x00, 0x5e, 0xff, 0xfe, 0, 0, 0}, []byte("key"), "veth99", "", []byte{}, uint8(2))
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0}, []byte{}, "", "", []byte(nil), uint8(200))
	f.Fuzz(func(t *testing.T, pfx, secret []byte, ifname, netID string, mac []byte, dad uint8) {
		var a [16]byte
		copy(a[:], pfx)
		p := netip.PrefixFrom(netip.AddrFrom16(a), 64)
		var s16 [16]byte
		copy(s16[:], secret)
		gens := []Generator{
			RFC7217{Secret: append(bytes.Clone(secret), s16[:]...), NetIface: []byte(ifname), NetworkID: []byte(netID)},
			&Linux{Secret: s16, PermAddr: net.HardwareAddr(mac)},
			&Linux{Secret: s16, ByteOrder: binary.BigEndian},
			&Linux{Secret: s16, ByteOrder: binary.LittleEndian},
			&NetworkManager{StableType: NMStableType(dad % 4), NetworkID: netID, IfName: ifname, HostID: append([]byte{1}, secret...)},
		}
		for _, g := range gens {
			iid, used, err := g.IID(p, int(dad))
			if err != nil {
				continue
			}
			if iid.Reserved() {
				t.Fatalf("%T returned reserved IID %v (counter %d)", g, iid, used)
			}
			if used < int(dad) {
				t.Fatalf("%T used counter %d < requested %d", g, used, dad)
			}
		}
		nd := &Networkd{Key: s16, IfName: ifname, MAC: net.HardwareAddr(mac)}
		_, _, err := nd.IID(p, int(dad%3))
		if (err != nil) != (networkdInvalid(a) || len(mac) > 32) {
			t.Fatalf("Networkd error %v for prefix %v", err, p)
		}
	})
}

// FuzzParseIID checks that ParseIID never panics, that what it accepts
// survives String and ParseIID again, and that what it refuses comes back
// as a *ParseError pointing inside the input.
func FuzzParseIID(f *testing.F) {
	for _, s := range []string{"216:3eff:fe65:2b99", "::216:3eff:fe65:2b99", "::", "1:2:3", "1:2:3:12345", "::1%eth0", "192.0.2.1", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		iid, err := ParseIID(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrIID) || pe.Offset < 0 || pe.Offset > len(s) {
				t.Fatalf("ParseIID(%q): %v, want a *ParseError with an offset in [0, %d]", s, err, len(s))
			}
			return
		}
		again, err := ParseIID(iid.String())
		if err != nil || again != iid {
			t.Fatalf("ParseIID(%q) = %v; ParseIID(%q) = %v, %v", s, iid, iid.String(), again, err)
		}
	})
}
