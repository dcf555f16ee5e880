package ripng

import (
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
)

// Decoder walks the route table entries of one RIPng message without
// allocating, in the style of an attribute decoder: check the header with
// [Decoder.Reset], loop with [Decoder.Next], read each entry with
// [Decoder.Entry], then check [Decoder.Err].
//
// Header and framing errors are sticky (Next returns false, Err reports
// them); an entry that breaks a per-entry rule is reported by Entry and
// the walk goes on, as a receiver drops such entries one by one
// (RFC 2080 §2.4.2). The zero Decoder is empty.
type Decoder struct {
	b   []byte
	off int // offset of the current entry; -1 before the first Next
	err error
}

// NewDecoder returns a decoder for b; see [Decoder.Reset].
func NewDecoder(b []byte) *Decoder {
	d := new(Decoder)
	_ = d.Reset(b)
	return d
}

// Reset starts decoding b (which the decoder does not copy) and returns
// the header error, if any, which also becomes the sticky error: an unknown
// command, a version other than 1, non-zero must-be-zero bytes, or a length
// that is not 4 + 20·n.
func (d *Decoder) Reset(b []byte) error {
	d.b, d.off, d.err = b, -1, nil
	switch {
	case len(b) < HeaderLen:
		d.err = &ParseError{Type: "header", Offset: len(b), Err: io.ErrUnexpectedEOF}
	case b[0] != byte(Request) && b[0] != byte(Response):
		d.err = &ParseError{Type: "header", Offset: 0, Err: fmt.Errorf("%w: %d", ErrCommand, b[0])}
	case b[1] != Version:
		d.err = &ParseError{Type: "header", Offset: 1, Err: fmt.Errorf("%w: %d", ErrVersion, b[1])}
	case b[2] != 0 || b[3] != 0:
		d.err = &ParseError{Type: "header", Offset: 2, Err: ErrMustBeZero}
	case (len(b)-HeaderLen)%RTELen != 0:
		d.err = &ParseError{Type: "rte", Offset: HeaderLen + (len(b)-HeaderLen)/RTELen*RTELen, Err: ErrLength}
	}
	return d.err
}

// Command returns the message's command (valid when Reset returned nil).
func (d *Decoder) Command() Command {
	if len(d.b) == 0 {
		return 0
	}
	return Command(d.b[0])
}

// Version returns the message's version byte.
func (d *Decoder) Version() uint8 {
	if len(d.b) < 2 {
		return 0
	}
	return d.b[1]
}

// Len returns the number of entries in the message.
func (d *Decoder) Len() int {
	if d.err != nil && d.off < 0 {
		return 0
	}
	return (len(d.b) - HeaderLen) / RTELen
}

// Next advances to the next entry and reports whether there is one.
func (d *Decoder) Next() bool {
	if d.err != nil {
		return false
	}
	if d.off < 0 {
		d.off = HeaderLen
	} else {
		d.off += RTELen
	}
	return d.off+RTELen <= len(d.b)
}

// Offset returns the byte offset of the current entry.
func (d *Decoder) Offset() int { return d.off }

// Bytes returns the current entry's 20 wire bytes (aliasing the input).
func (d *Decoder) Bytes() []byte { return d.b[d.off : d.off+RTELen] }

// Entry decodes the current entry and checks it (see [RTE.Validate]); the
// error is about this entry only. A next-hop entry ignores its tag and
// prefix length, and one whose address is not link-local decodes as ::, the
// sender (RFC 2080 §2.1.1). A prefix length above 128 gives an entry whose
// Prefix is invalid but whose Prefix.Addr() is the wire address.
func (d *Decoder) Entry() (RTE, error) {
	b := (*[RTELen]byte)(d.b[d.off : d.off+RTELen])
	c := Command(d.b[0])
	if hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:16]); b[19] != MetricNextHop && routeOK(hi, lo, b[18], b[19], c) {
		return RTE{Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte(b[:16])), int(b[18])), Tag: binary.BigEndian.Uint16(b[16:18]), Metric: b[19]}, nil
	}
	return otherEntry(b, c)
}

// otherEntry decodes a next-hop entry, or a route entry that breaks a
// rule and the rule it breaks: the rare cases, kept out of Entry's path.
func otherEntry(b *[RTELen]byte, c Command) (RTE, error) {
	hi, lo := binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:16])
	if b[19] == MetricNextHop {
		if !nextHopOK(hi, lo) {
			return NextHopRTE(netip.IPv6Unspecified()), nil
		}
		return NextHopRTE(netip.AddrFrom16([16]byte(b[:16]))), nil
	}
	e := RTE{Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte(b[:16])), int(b[18])), Tag: binary.BigEndian.Uint16(b[16:18]), Metric: b[19]}
	return e, checkRoute(hi, lo, b[18], b[19], c)
}

// PrefixLen returns the current entry's prefix length byte as sent.
func (d *Decoder) PrefixLen() uint8 { return d.b[d.off+18] }

// Err returns the sticky header or framing error, if any.
func (d *Decoder) Err() error { return d.err }
