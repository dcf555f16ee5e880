package slaac

import (
	"net"
	"net/netip"
	"testing"
)

func benchGenerator(b *testing.B, g Generator) {
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := g.IID(p, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEUI64(b *testing.B) {
	mac := net.HardwareAddr{0x00, 0x16, 0x3e, 0x65, 0x2b, 0x99}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := EUI64(mac); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLinux(b *testing.B) {
	secret, _ := ParseLinuxSecret("2001:db8::1")
	benchGenerator(b, &Linux{Secret: secret})
}

func BenchmarkNetworkManager(b *testing.B) {
	benchGenerator(b, &NetworkManager{NetworkID: "6b138152-9f3e-4b97-aaf7-e6e553f2a24e", IfName: "eth0", HostID: make([]byte, 32)})
}

func BenchmarkNetworkd(b *testing.B) {
	benchGenerator(b, &Networkd{IfName: "eth0", MAC: net.HardwareAddr{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}})
}

func BenchmarkRFC7217(b *testing.B) {
	benchGenerator(b, RFC7217{Secret: make([]byte, 16), NetIface: []byte("eth0")})
}
