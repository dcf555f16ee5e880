package ripng

import (
	"encoding"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
)

// Port is the UDP port RIPng speakers send from and listen on (RFC 2080 §2.1).
const Port = 521

// Version is the only RIPng version (RFC 2080 §2.1).
const Version = 1

// Infinity is the metric of an unreachable route (RFC 2080 §2.1).
const Infinity = 16

// MetricNextHop is the metric that marks a next-hop route table entry
// (RFC 2080 §2.1.1).
const MetricNextHop = 0xFF

// HeaderLen is the length of the RIPng header; RTELen of one route table
// entry (RFC 2080 §2.1).
const (
	HeaderLen = 4
	RTELen    = 20
)

// maxUDPEntries is the most entries a UDP datagram can carry.
const maxUDPEntries = (0xffff - 8 - HeaderLen) / RTELen

// headerOverhead is what an RTE-carrying packet spends before its first
// entry: IPv6 header, UDP header, RIPng header (RFC 2080 §2.1).
const headerOverhead = 40 + 8 + HeaderLen

// AllRIPRouters returns ff02::9, the all-RIP-routers multicast group
// (RFC 2080 §2.5).
func AllRIPRouters() netip.Addr {
	return netip.AddrFrom16([16]byte{0xff, 0x02, 15: 0x09})
}

// Command is a RIPng message type (RFC 2080 §2.1).
type Command uint8

// Commands.
const (
	Request  Command = 1
	Response Command = 2
)

func (c Command) String() string {
	switch c {
	case Request:
		return "request"
	case Response:
		return "response"
	}
	return fmt.Sprintf("Command(%d)", uint8(c))
}

// MaxEntries returns how many route table entries (next-hop entries
// included) fit in one packet for a link MTU (RFC 2080 §2.1): 72 at 1500.
func MaxEntries(mtu int) int {
	if mtu < headerOverhead+RTELen {
		return 0
	}
	return (mtu - headerOverhead) / RTELen
}

// Message is one RIPng message: a request or a response with its route
// table entries in wire order (RFC 2080 §2.1).
type Message struct {
	Command Command
	Entries []RTE
}

var (
	_ encoding.BinaryAppender    = (*Message)(nil)
	_ encoding.BinaryMarshaler   = (*Message)(nil)
	_ encoding.BinaryUnmarshaler = (*Message)(nil)
)

// WholeTableRequest returns the request for a neighbour's whole table: one
// entry, ::/0 with metric 16 (RFC 2080 §2.4.1).
func WholeTableRequest() Message {
	return Message{Command: Request, Entries: []RTE{{Prefix: netip.PrefixFrom(netip.IPv6Unspecified(), 0), Metric: Infinity}}}
}

// IsWholeTableRequest reports whether m asks for the whole table
// (RFC 2080 §2.4.1): a request with exactly one entry, prefix ::/0, metric 16.
func (m *Message) IsWholeTableRequest() bool {
	return m.Command == Request && len(m.Entries) == 1 && m.Entries[0].isWholeTable()
}

// Len returns the encoded length of m.
func (m *Message) Len() int { return HeaderLen + RTELen*len(m.Entries) }

// AppendBinary appends m's wire form to b. It rejects what RFC 2080 forbids
// in the entries (see [RTE.Validate]).
func (m *Message) AppendBinary(b []byte) ([]byte, error) {
	if m.Command != Request && m.Command != Response {
		return b, fmt.Errorf("%w: %d", ErrCommand, m.Command)
	}
	if len(m.Entries) > maxUDPEntries {
		return b, fmt.Errorf("%w: %d, a UDP datagram carries at most %d", ErrTooManyEntries, len(m.Entries), maxUDPEntries)
	}
	n := len(b)
	b = slices.Grow(b, m.Len())[:n+m.Len()]
	b[n], b[n+1], b[n+2], b[n+3] = byte(m.Command), Version, 0, 0
	out := b[n+HeaderLen:]
	for i := range m.Entries {
		e := &m.Entries[i]
		a := e.Prefix.Addr()
		if !a.Is6() || a.Zone() != "" {
			return b[:n], entryError(i, e, e.Validate(m.Command))
		}
		// The address goes straight into place and is read back from there
		// 8 bytes at a time: through a.As16(), the compiler copies the
		// array with a 16-byte move of two 8-byte stores, which stalls
		// store forwarding for about half of the encoding time.
		p := (*[RTELen]byte)(out[i*RTELen:])
		_, _ = a.AppendBinary(p[:0]) // 16 bytes: IPv6 without a zone
		hi, lo := binary.BigEndian.Uint64(p[:8]), binary.BigEndian.Uint64(p[8:16])
		bits := uint8(e.Prefix.Bits()) // -1, for an invalid prefix, fails the checks as 255
		if e.Metric == MetricNextHop {
			if !nextHopOK(hi, lo) {
				return b[:n], entryError(i, e, ErrNextHop)
			}
			bits = 0
		} else if !routeOK(hi, lo, bits, e.Metric, m.Command) {
			return b[:n], entryError(i, e, checkRoute(hi, lo, bits, e.Metric, m.Command))
		}
		tag := e.Tag
		if e.Metric == MetricNextHop {
			tag = 0
		}
		binary.BigEndian.PutUint32(p[16:], uint32(tag)<<16|uint32(bits)<<8|uint32(e.Metric))
	}
	return b, nil
}

// entryError says which entry of a message cannot be encoded, and why.
func entryError(i int, e *RTE, err error) error {
	return fmt.Errorf("ripng: entry %d (%v): %w", i, *e, err)
}

// MarshalBinary returns m's wire form.
func (m *Message) MarshalBinary() ([]byte, error) {
	return m.AppendBinary(make([]byte, 0, m.Len()))
}

// UnmarshalBinary decodes b strictly: any header or entry error fails the
// whole message. Receivers that drop bad entries one by one use [Decoder].
// It reuses m.Entries' storage.
func (m *Message) UnmarshalBinary(b []byte) error {
	var d Decoder
	if err := d.Reset(b); err != nil {
		return err
	}
	m.Command = d.Command()
	n := d.Len()
	m.Entries = slices.Grow(m.Entries[:0], n)[:n]
	c := m.Command
	// Each entry is decoded into its place: through [Decoder.Entry] it
	// would be copied once more, via the stack.
	for i := range m.Entries {
		p := (*[RTELen]byte)(b[HeaderLen+i*RTELen:])
		e := &m.Entries[i]
		if hi, lo := binary.BigEndian.Uint64(p[:8]), binary.BigEndian.Uint64(p[8:16]); p[19] != MetricNextHop && routeOK(hi, lo, p[18], p[19], c) {
			e.Prefix = netip.PrefixFrom(netip.AddrFrom16([16]byte(p[:16])), int(p[18]))
			e.Tag, e.Metric = binary.BigEndian.Uint16(p[16:18]), p[19]
			continue
		}
		var err error
		if *e, err = otherEntry(p, c); err != nil {
			m.Entries = m.Entries[:i]
			return &ParseError{Type: "rte", Offset: HeaderLen + i*RTELen, Err: err}
		}
	}
	return nil
}
