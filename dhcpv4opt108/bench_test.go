package dhcpv4opt108

import (
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

func BenchmarkOptionUnmarshal(b *testing.B) {
	v := []byte{0, 0, 7, 8}
	b.ReportAllocs()
	for b.Loop() {
		var o Option
		if err := o.UnmarshalBinary(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOptionAppend(b *testing.B) {
	o := Option{1800}
	buf := make([]byte, 0, 8)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = o.AppendBinary(buf[:0])
	}
}

func BenchmarkLookup(b *testing.B) {
	m, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), dhcpv4.WithOption(Option{1800}.DHCPv4()))
	b.ReportAllocs()
	for b.Loop() {
		if _, p := Lookup(m); p != Valid {
			b.Fatal(p)
		}
	}
}

func BenchmarkDecide(b *testing.B) {
	m, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), dhcpv4.WithOption(Option{1800}.DHCPv4()))
	b.ReportAllocs()
	for b.Loop() {
		if d := Decide(Selecting, true, m); d.Action != StopV6Only {
			b.Fatal(d)
		}
	}
}
