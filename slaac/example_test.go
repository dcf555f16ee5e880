package slaac_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/v6kit/v6kit/slaac"
)

// The seed article's LXD container: its MAC forms this address on the
// bridge's /64.
func ExampleEUI64() {
	mac, _ := net.ParseMAC("00:16:3e:65:2b:99")
	iid, _ := slaac.EUI64(mac)
	addr, _ := slaac.Addr(netip.MustParsePrefix("2001:db8:8011:fd44::/64"), iid)
	fmt.Println(iid)
	fmt.Println(addr)
	fmt.Println(slaac.LinkLocal(iid))
	back, ok := iid.MAC()
	fmt.Println(back, ok)
	// Output:
	// 216:3eff:fe65:2b99
	// 2001:db8:8011:fd44:216:3eff:fe65:2b99
	// fe80::216:3eff:fe65:2b99
	// 00:16:3e:65:2b:99 true
}

func ExampleIID_Reserved() {
	for _, s := range []string{"::", "200:5eff:fe00:5213", "fdff:ffff:ffff:ff80", "216:3eff:fe65:2b99"} {
		iid, _ := slaac.ParseIID(s)
		fmt.Println(iid, iid.Reserved())
	}
	// Output:
	// 0:0:0:0 true
	// 200:5eff:fe00:5213 true
	// fdff:ffff:ffff:ff80 true
	// 216:3eff:fe65:2b99 false
}

// NetworkManager's own unit-test vector: connection UUID as network ID,
// host ID "key".
func ExampleNetworkManager() {
	g := &slaac.NetworkManager{
		StableType: slaac.NMStableUUID,
		NetworkID:  "6b138152-9f3e-4b97-aaf7-e6e553f2a24e",
		IfName:     "eth666",
		HostID:     []byte("key"),
	}
	prefix := netip.MustParsePrefix("1234::/64")
	iid, _, _ := g.IID(prefix, 0)
	addr, _ := slaac.Addr(prefix, iid)
	fmt.Println(addr)
	// Output: 1234::4ceb:14cd:3d54:793f
}

// systemd's integration-test vector for Token=prefixstable with a key.
func ExampleNetworkd() {
	mac, _ := net.ParseMAC("12:34:56:78:9a:bc")
	g := &slaac.Networkd{
		Key:    [16]byte{0x86, 0xb1, 0x23, 0xb9, 0x69, 0xba, 0x4b, 0x7e, 0xb8, 0xb3, 0xd8, 0x60, 0x51, 0x23, 0x52, 0x5a},
		IfName: "veth99",
		MAC:    mac,
	}
	prefix := netip.MustParsePrefix("2002:da8:1::/64")
	addr, counter, _ := slaac.Form(g, prefix, nil)
	fmt.Println(addr, counter)
	// Output: 2002:da8:1:0:b47e:7975:fc7a:7d6e 0
}

// The kernel's stable-privacy link-local address of a veth (permanent
// address all zero) with stable_secret 2001:db8::1, as `ip -6 addr` shows it.
func ExampleLinux_LinkLocal() {
	secret, _ := slaac.ParseLinuxSecret("2001:db8::1")
	// An x86 (little-endian) kernel's; nil ByteOrder would mean this host's.
	g := &slaac.Linux{Secret: secret, ByteOrder: binary.LittleEndian}
	ll, _, _ := g.LinkLocal(0)
	fmt.Println(ll)
	// Output: fe80::88cf:4891:a68c:e03f
}

// A temporary address under the RFC 8981 defaults: the manager reads no
// clock (the caller passes the time) and a fixed random source keeps the
// output stable.
func ExampleTempManager() {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	random := bytes.NewReader(bytes.Repeat([]byte{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88}, 8))
	m, _ := slaac.NewTempManager(slaac.TempConfig{
		Profile: slaac.RFC8981Profile(),
		Rand:    random,
	})
	events, _ := m.PrefixInfo(now, netip.MustParsePrefix("2001:db8:1:2::/64"), 30*24*time.Hour, 7*24*time.Hour)
	for _, e := range events {
		fmt.Println(e.Kind, e.Addr, e.PreferredUntil.Sub(now), e.ValidUntil.Sub(now))
	}
	// Output: created 2001:db8:1:2:1122:3344:5566:7788 23h10m48s 48h0m0s
}

// A connection.stable-id template as NetworkManager expands it: the network
// ID it hashes is the base64 SHA-1 of "${CONNECTION}=36{<uuid>}/${DEVICE}=4{eth0}".
func ExampleExpandNMStableID() {
	typ, id := slaac.ExpandNMStableID("${CONNECTION}/${DEVICE}", slaac.NMStableIDInput{
		UUID:   "6b138152-9f3e-4b97-aaf7-e6e553f2a24e",
		Device: "eth0",
	})
	fmt.Println(typ, id == slaac.NMGeneratedID("${CONNECTION}=36{6b138152-9f3e-4b97-aaf7-e6e553f2a24e}/${DEVICE}=4{eth0}"))
	typ, id = slaac.ExpandNMStableID("office", slaac.NMStableIDInput{})
	fmt.Println(typ, id)
	// Output:
	// generated true
	// stable-id office
}

// Classify tells how the addresses a neighbour scan found under one MAC
// were formed: its EUI-64 address, a temporary address beside it, a
// manual ::53, and an EUI-64 address of another MAC (a proxy, or an old
// NIC).
func ExampleClassify() {
	mac, _ := net.ParseMAC("00:16:3e:65:2b:99")
	addrs := []netip.Addr{
		netip.MustParseAddr("fe80::216:3eff:fe65:2b99"),
		netip.MustParseAddr("2001:db8:1:2:216:3eff:fe65:2b99"),
		netip.MustParseAddr("2001:db8:1:2:9c1e:4b2f:77d0:1e35"),
		netip.MustParseAddr("2001:db8:1:2::53"),
		netip.MustParseAddr("2001:db8:1:2:5054:ff:fe12:3456"),
		netip.MustParseAddr("2001:db8:1:2::"),
	}
	for _, a := range addrs {
		fmt.Println(a, slaac.Classify(a, slaac.Evidence{MAC: mac, Siblings: addrs}))
	}
	// Output:
	// fe80::216:3eff:fe65:2b99 eui64
	// 2001:db8:1:2:216:3eff:fe65:2b99 eui64
	// 2001:db8:1:2:9c1e:4b2f:77d0:1e35 likely-temporary
	// 2001:db8:1:2::53 manual
	// 2001:db8:1:2:5054:ff:fe12:3456 eui64-other
	// 2001:db8:1:2:: reserved
}

// With the host's stable_secret, Classify verifies a stable-privacy
// address; without it, the same address is only opaque. On this host,
// the kernel's flags decide.
func ExampleClassify_verified() {
	secret, _ := slaac.ParseLinuxSecret("2001:db8::1")
	g := &slaac.Linux{Secret: secret, ByteOrder: binary.LittleEndian}
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	a, _, _ := slaac.Form(g, p, nil)
	fmt.Println(a, slaac.Classify(a, slaac.Evidence{Stable: []slaac.Generator{g}}))
	fmt.Println(a, slaac.Classify(a, slaac.Evidence{}))
	tmp := netip.MustParseAddr("2001:db8:1:2:6d1c:2a9e:f3b0:4c17")
	fmt.Println(tmp, slaac.Classify(tmp, slaac.Evidence{Local: true, Flags: slaac.FlagTemporary}))
	// Output:
	// 2001:db8:1:2:d4b6:983e:5801:c6d5 stable-privacy
	// 2001:db8:1:2:d4b6:983e:5801:c6d5 opaque
	// 2001:db8:1:2:6d1c:2a9e:f3b0:4c17 temporary
}

// A host whose interface NetworkManager manages: its profile (a keyfile),
// the host ID and the interface name give the rule and the address it
// forms (the data of NetworkManager's own test_stable_privacy).
func ExampleHost_Rules() {
	profile := []byte(`[connection]
id=Wired
uuid=6b138152-9f3e-4b97-aaf7-e6e553f2a24e
type=ethernet

[ipv6]
method=auto
addr-gen-mode=stable-privacy
`)
	conn, err := slaac.ParseNMConnection(profile)
	if err != nil {
		fmt.Println(err)
		return
	}
	h := &slaac.Host{
		IfName:  "eth666",
		Manager: slaac.ManagerNetworkManager,
		NM:      &slaac.NMHost{Connection: conn, ConnectionFile: "Wired.nmconnection", HostID: []byte("key"), HostIDFrom: "a test"},
	}
	rules, err := h.Rules()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rules {
		a, _, _ := slaac.Form(r.Generator, netip.MustParsePrefix("1234::/64"), nil)
		fmt.Println(a, r.Name)
		fmt.Println(r.Source)
	}
	// Output:
	// 1234::4ceb:14cd:3d54:793f nm-stable-privacy
	// Wired.nmconnection (Wired, 6b138152-9f3e-4b97-aaf7-e6e553f2a24e) ipv6.addr-gen-mode stable-privacy, uuid, host ID from a test
}

// A parse error says where the input went wrong and, for errors.Is, what
// kind of input it was.
func ExampleParseError() {
	_, err := slaac.ParseNMVersion("one.42")
	var pe *slaac.ParseError
	if errors.As(err, &pe) {
		fmt.Println(pe.Type, "at offset", pe.Offset)
	}
	fmt.Println(errors.Is(err, slaac.ErrSyntax))
	fmt.Println(err)
	// Output:
	// NetworkManager version at offset 0
	// true
	// slaac: parse NetworkManager version at offset 0: "one.42": want MAJOR.MINOR such as 1.42
}
