package ripng

import (
	"encoding"
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
	b = slices.Grow(b, m.Len())
	b = append(b, byte(m.Command), Version, 0, 0)
	for i := range m.Entries {
		e := &m.Entries[i]
		a := e.Prefix.Addr()
		if !a.Is6() || a.Zone() != "" {
			return b[:n], fmt.Errorf("ripng: entry %d (%v): %w", i, *e, e.Validate(m.Command))
		}
		// The address goes straight into b and is checked there: going
		// through a.As16() costs a stalled 16-byte copy per entry,
		// about half of the encoding time.
		off := len(b)
		b, _ = a.AppendBinary(b) // 16 bytes: IPv6 without a zone
		a16 := (*[16]byte)(b[off:])
		var err error
		if e.Metric == MetricNextHop {
			if *a16 != [16]byte{} && (a16[0] != 0xfe || a16[1]&0xc0 != 0x80) {
				err = ErrNextHop
			}
			b = append(b, 0, 0, 0, MetricNextHop)
		} else {
			bits := e.Prefix.Bits()
			if bits < 0 {
				err = ErrPrefixLength
			} else {
				err = checkRoute(a16, uint8(bits), e.Metric, m.Command)
			}
			b = append(b, byte(e.Tag>>8), byte(e.Tag), byte(bits), e.Metric)
		}
		if err != nil {
			return b[:n], fmt.Errorf("ripng: entry %d (%v): %w", i, *e, err)
		}
	}
	return b, nil
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
	m.Entries = m.Entries[:0]
	for d.Next() {
		e, err := d.Entry()
		if err != nil {
			return &ParseError{Type: "rte", Offset: d.Offset(), Err: err}
		}
		m.Entries = append(m.Entries, e)
	}
	return d.Err()
}
