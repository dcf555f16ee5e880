package ripng

import (
	"net/netip"
	"testing"
)

func BenchmarkDecode72(b *testing.B) {
	p := fullPacket(b)
	var d Decoder
	b.ReportAllocs()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		_ = d.Reset(p)
		for d.Next() {
			if _, err := d.Entry(); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkUnmarshal72(b *testing.B) {
	p := fullPacket(b)
	var m Message
	b.ReportAllocs()
	b.SetBytes(int64(len(p)))
	for b.Loop() {
		if err := m.UnmarshalBinary(p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncode72(b *testing.B) {
	m := fullMessage()
	buf := make([]byte, 0, 1500)
	b.ReportAllocs()
	b.SetBytes(int64(m.Len()))
	for b.Loop() {
		var err error
		if buf, err = m.AppendBinary(buf[:0]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPacketize200(b *testing.B) {
	var routes []Route
	for i := range 200 {
		routes = append(routes, Route{Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 4: byte(i)}), 40), Metric: 1})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Packetize(routes, 1500); err != nil {
			b.Fatal(err)
		}
	}
}

// sinkByte keeps the floor loop's result alive.
var sinkByte byte

// BenchmarkFloorCopy1444 is the floor under a full 72-entry message's
// decoding or encoding on this machine: copying its 1444 bytes.
func BenchmarkFloorCopy1444(b *testing.B) {
	src := fullPacket(b)
	dst := make([]byte, len(src))
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		copy(dst, src)
	}
}

// BenchmarkFloorLoop72 is the other floor: a bare loop over the 72
// entries of a full message, reading one byte of each.
func BenchmarkFloorLoop72(b *testing.B) {
	p := fullPacket(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(p)))
	var sum byte
	for b.Loop() {
		for off := HeaderLen; off+RTELen <= len(p); off += RTELen {
			sum += p[off+RTELen-1]
		}
	}
	sinkByte = sum
}
