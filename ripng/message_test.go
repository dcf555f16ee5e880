package ripng

import (
	"errors"
	"io"
	"net/netip"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// cmpOpts compares netip values by value.
var cmpOpts = []cmp.Option{cmpopts.EquateEmpty(), cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }), cmp.Comparer(func(a, b netip.Addr) bool { return a == b })}

func join(chunks ...[]byte) []byte { return slices.Concat(chunks...) }

func addr16(s string) []byte { a := netip.MustParseAddr(s).As16(); return a[:] }

func TestMessageRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		wire []byte
		msg  Message
	}{
		{
			name: "whole-table request",
			wire: join(
				[]byte{1, 1, 0, 0},                                // command request, version 1, must be zero
				addr16("::"), []byte{0, 0}, []byte{0}, []byte{16}, // ::/0 tag 0 metric 16
			),
			msg: WholeTableRequest(),
		},
		{
			name: "response with tag and next hop",
			wire: join(
				[]byte{2, 1, 0, 0},
				addr16("2001:db8:1::"), []byte{0x12, 0x34}, []byte{48}, []byte{1}, // 2001:db8:1::/48 tag 0x1234 metric 1
				addr16("fe80::1"), []byte{0, 0}, []byte{0}, []byte{0xff}, // next hop fe80::1
				addr16("2001:db8:2::"), []byte{0, 0}, []byte{64}, []byte{16}, // 2001:db8:2::/64 metric 16
				addr16("::"), []byte{0, 0}, []byte{0}, []byte{0xff}, // next hop :: (the sender)
				addr16("::"), []byte{0, 0}, []byte{0}, []byte{3}, // ::/0 metric 3 (default route)
			),
			msg: Message{Command: Response, Entries: []RTE{
				{Prefix: netip.MustParsePrefix("2001:db8:1::/48"), Tag: 0x1234, Metric: 1},
				NextHopRTE(netip.MustParseAddr("fe80::1")),
				{Prefix: netip.MustParsePrefix("2001:db8:2::/64"), Metric: 16},
				NextHopRTE(netip.IPv6Unspecified()),
				{Prefix: netip.MustParsePrefix("::/0"), Metric: 3},
			}},
		},
		{
			name: "empty response",
			wire: []byte{2, 1, 0, 0},
			msg:  Message{Command: Response, Entries: []RTE{}},
		},
		{
			name: "host route /128",
			wire: join([]byte{2, 1, 0, 0}, addr16("2001:db8::1"), []byte{0, 7, 128, 15}),
			msg:  Message{Command: Response, Entries: []RTE{{Prefix: netip.MustParsePrefix("2001:db8::1/128"), Tag: 7, Metric: 15}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Message
			if err := got.UnmarshalBinary(tt.wire); err != nil {
				t.Fatalf("UnmarshalBinary: %v", err)
			}
			if diff := cmp.Diff(tt.msg, got, cmpOpts...); diff != "" {
				t.Errorf("decoded (-want +got):\n%s", diff)
			}
			b, err := tt.msg.MarshalBinary()
			if err != nil {
				t.Fatalf("MarshalBinary: %v", err)
			}
			if diff := cmp.Diff(tt.wire, b); diff != "" {
				t.Errorf("encoded (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnmarshalErrors(t *testing.T) {
	rte := func(a string, tag uint16, plen, metric byte) []byte {
		return join(addr16(a), []byte{byte(tag >> 8), byte(tag), plen, metric})
	}
	tests := []struct {
		name   string
		wire   []byte
		want   error
		offset int
	}{
		{"empty", nil, io.ErrUnexpectedEOF, 0},
		{"short header", []byte{2, 1, 0}, io.ErrUnexpectedEOF, 3},
		{"command 0", []byte{0, 1, 0, 0}, ErrCommand, 0},
		{"command 3", []byte{3, 1, 0, 0}, ErrCommand, 0},
		{"version 0", []byte{2, 0, 0, 0}, ErrVersion, 1},
		{"version 2", []byte{2, 2, 0, 0}, ErrVersion, 1},
		{"must be zero", []byte{2, 1, 0, 1}, ErrMustBeZero, 2},
		{"truncated rte", join([]byte{2, 1, 0, 0}, rte("2001:db8::", 0, 32, 1)[:19]), ErrLength, 4},
		{"trailing bytes", join([]byte{2, 1, 0, 0}, rte("2001:db8::", 0, 32, 1), []byte{0}), ErrLength, 24},
		{"prefix length 129", join([]byte{2, 1, 0, 0}, rte("2001:db8::", 0, 129, 1)), ErrPrefixLength, 4},
		{"metric 0", join([]byte{2, 1, 0, 0}, rte("2001:db8::", 0, 32, 0)), ErrMetric, 4},
		{"metric 17", join([]byte{2, 1, 0, 0}, rte("2001:db8::", 0, 32, 17)), ErrMetric, 4},
		{"host bits", join([]byte{2, 1, 0, 0}, rte("2001:db8::1", 0, 64, 1)), ErrHostBits, 4},
		{"multicast prefix", join([]byte{2, 1, 0, 0}, rte("2001:db8::", 0, 32, 1), rte("ff02::", 0, 16, 1)), ErrPrefixScope, 24},
		{"link-local prefix", join([]byte{2, 1, 0, 0}, rte("fe80::", 0, 64, 1)), ErrPrefixScope, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			err := m.UnmarshalBinary(tt.wire)
			if !errors.Is(err, tt.want) {
				t.Fatalf("UnmarshalBinary = %v, want %v", err, tt.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.Offset != tt.offset {
				t.Errorf("offset = %d, want %d", pe.Offset, tt.offset)
			}
			if s := err.Error(); len(s) < 7 || s[:7] != "ripng: " {
				t.Errorf("message %q lacks the package prefix", s)
			}
		})
	}
}

func TestDecoderPerEntryErrors(t *testing.T) {
	wire := join([]byte{2, 1, 0, 0},
		addr16("2001:db8:1::"), []byte{0, 0, 48, 1}, // good
		addr16("ff02::"), []byte{0, 0, 16, 1}, // multicast: dropped
		addr16("2001:db8::"), []byte{0, 0, 200, 1}, // prefix length 200: dropped
		addr16("2001:db8:5::"), []byte{0, 0, 48, 0}, // metric 0: dropped
		addr16("2001:db8::1"), []byte{0, 0, 0, 0xff}, // global next hop: read as ::
		addr16("2001:db8:2::"), []byte{0, 9, 48, 2}, // good, tag 9
	)
	d := NewDecoder(wire)
	var good []RTE
	var errs []error
	for d.Next() {
		e, err := d.Entry()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		good = append(good, e)
	}
	if d.Err() != nil {
		t.Fatal(d.Err())
	}
	want := []RTE{
		{Prefix: netip.MustParsePrefix("2001:db8:1::/48"), Metric: 1},
		NextHopRTE(netip.IPv6Unspecified()),
		{Prefix: netip.MustParsePrefix("2001:db8:2::/48"), Tag: 9, Metric: 2},
	}
	if diff := cmp.Diff(want, good, cmpOpts...); diff != "" {
		t.Errorf("good entries (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]error{ErrPrefixScope, ErrPrefixLength, ErrMetric}, errs, cmp.Comparer(func(a, b error) bool { return errors.Is(b, a) })); diff != "" {
		t.Errorf("entry errors (-want +got):\n%s", diff)
	}
}

func TestMarshalRejects(t *testing.T) {
	tests := []struct {
		name string
		msg  Message
		want error
	}{
		{"command 0", Message{}, ErrCommand},
		{"metric 0", Message{Command: Response, Entries: []RTE{{Prefix: netip.MustParsePrefix("2001:db8::/32")}}}, ErrMetric},
		{"metric 17", Message{Command: Response, Entries: []RTE{{Prefix: netip.MustParsePrefix("2001:db8::/32"), Metric: 17}}}, ErrMetric},
		{"host bits", Message{Command: Response, Entries: []RTE{{Prefix: netip.MustParsePrefix("2001:db8::1/32"), Metric: 1}}}, ErrHostBits},
		{"ipv4", Message{Command: Response, Entries: []RTE{{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Metric: 1}}}, ErrPrefixLength},
		{"invalid prefix", Message{Command: Response, Entries: []RTE{{Metric: 1}}}, ErrPrefixLength},
		{"global next hop", Message{Command: Response, Entries: []RTE{NextHopRTE(netip.MustParseAddr("2001:db8::1"))}}, ErrNextHop},
		{"link-local prefix", Message{Command: Response, Entries: []RTE{{Prefix: netip.MustParsePrefix("fe80::/10"), Metric: 1}}}, ErrPrefixScope},
		{"multicast prefix", Message{Command: Response, Entries: []RTE{{Prefix: netip.MustParsePrefix("ff0e::/16"), Metric: 1}}}, ErrPrefixScope},
		{"metric 255 route", Message{Command: Response, Entries: []RTE{{Prefix: netip.MustParsePrefix("2001:db8::/32"), Metric: 254}}}, ErrMetric},
		{"ipv4 next hop", Message{Command: Response, Entries: []RTE{NextHopRTE(netip.MustParseAddr("192.0.2.1"))}}, ErrNextHop},
		{"command 3", Message{Command: 3}, ErrCommand},
		{"more than a datagram", Message{Command: Response, Entries: make([]RTE, 3277)}, ErrTooManyEntries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.msg.AppendBinary([]byte{0xaa})
			if !errors.Is(err, tt.want) {
				t.Fatalf("AppendBinary = %v, want %v", err, tt.want)
			}
			if len(b) != 1 {
				t.Errorf("AppendBinary grew the buffer on error: % x", b)
			}
		})
	}
}

func TestMaxEntries(t *testing.T) {
	for mtu, want := range map[int]int{1500: 72, 1280: 61, 9000: 447, 71: 0, 72: 1} {
		if got := MaxEntries(mtu); got != want {
			t.Errorf("MaxEntries(%d) = %d, want %d", mtu, got, want)
		}
	}
}

func TestPacketize(t *testing.T) {
	nh := netip.MustParseAddr("fe80::99")
	var routes []Route
	for i := range 200 {
		r := Route{Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 4: byte(i >> 8), 5: byte(i)}), 48), Metric: 1, Tag: uint16(i)}
		if i%3 == 0 {
			r.NextHop = nh
		}
		if i == 5 {
			r.NextHop = netip.MustParseAddr("2001:db8::1") // not link-local: advertised as ourselves
		}
		routes = append(routes, r)
	}
	msgs, err := Packetize(routes, 1500)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[netip.Prefix]netip.Addr{}
	for i, m := range msgs {
		if len(m.Entries) > 72 {
			t.Errorf("packet %d has %d entries, more than 72", i, len(m.Entries))
		}
		if i < len(msgs)-1 && len(m.Entries) != 72 {
			t.Errorf("packet %d has %d entries, want full packets of 72", i, len(m.Entries))
		}
		b, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if len(b)+48 > 1500 {
			t.Errorf("packet %d is %d bytes with headers, above the MTU", i, len(b)+48)
		}
		cur := netip.IPv6Unspecified()
		for _, e := range m.Entries {
			if e.IsNextHop() {
				cur = e.NextHop()
				continue
			}
			seen[e.Prefix] = cur
		}
	}
	if len(seen) != 200 {
		t.Fatalf("%d distinct prefixes arrived, want 200", len(seen))
	}
	for _, r := range routes {
		want := netip.IPv6Unspecified()
		if r.NextHop == nh {
			want = nh
		}
		if seen[r.Prefix] != want {
			t.Errorf("%v arrived with next hop %v, want %v", r.Prefix, seen[r.Prefix], want)
		}
	}
	// 200 routes and one next-hop entry for the fe80::99 group (which
	// starts a packet or not), in three packets.
	if len(msgs) != 3 {
		t.Errorf("%d packets, want 3", len(msgs))
	}
	if _, err := Packetize(routes, 80); !errors.Is(err, ErrMTU) {
		t.Errorf("Packetize at MTU 80 = %v, want ErrMTU", err)
	}
}

func TestDecoderNoAllocs(t *testing.T) {
	b := fullPacket(t)
	var d Decoder
	allocs := testing.AllocsPerRun(100, func() {
		_ = d.Reset(b)
		for d.Next() {
			_, _ = d.Entry()
		}
	})
	if allocs != 0 {
		t.Errorf("decoding a 72-entry packet allocates %v times, want 0", allocs)
	}
	m := fullMessage()
	buf := make([]byte, 0, 1500)
	allocs = testing.AllocsPerRun(100, func() { buf, _ = m.AppendBinary(buf[:0]) })
	if allocs != 0 {
		t.Errorf("encoding a 72-entry packet allocates %v times, want 0", allocs)
	}
}

func fullMessage() Message {
	m := Message{Command: Response}
	for i := range 71 {
		m.Entries = append(m.Entries, RTE{Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 4: byte(i)}), 48), Tag: uint16(i), Metric: uint8(1 + i%16)})
		if i == 35 {
			m.Entries = append(m.Entries, NextHopRTE(netip.MustParseAddr("fe80::1")))
		}
	}
	return m
}

func fullPacket(t testing.TB) []byte {
	m := fullMessage()
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}
