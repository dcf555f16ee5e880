package pcapfile

import (
	"encoding/binary"
	"io"
	"math"
	"math/bits"
	"time"
)

// pcapng block types (draft-ietf-opsawg-pcapng section 10.1).
const (
	blockSection   = 0x0a0d0d0a
	blockInterface = 0x00000001
	blockPacket    = 0x00000002 // obsolete
	blockSimple    = 0x00000003
	blockEnhanced  = 0x00000006
)

// Interface description block options.
const (
	optEnd      = 0
	optTSResol  = 9
	optTSOffset = 14
)

// readBlockHeader reads a block's type and total length into r.hdr[:8].
func (r *Reader) readBlockHeader() error {
	start := r.off
	if err := r.readHeader(8); err != nil {
		if err == ErrTruncated {
			return r.errorf("block", start, err, "")
		}
		return err
	}
	return nil
}

// readBody reads the rest of a block whose first have bytes were read,
// checks the trailing length and returns the bytes between those first
// have bytes and the trailer.
func (r *Reader) readBody(typ string, start int64, have int) ([]byte, error) {
	n := r.bo.Uint32(r.hdr[4:8])
	switch {
	case n > MaxBlockLen:
		return nil, r.errorf(typ, start, ErrUnsupported, "block length %d is above %d", n, MaxBlockLen)
	case n%4 != 0 || int(n) < have+4:
		return nil, r.errorf(typ, start, ErrMalformed, "block length %d", n)
	}
	b, err := r.read(int(n) - have)
	if err != nil {
		return nil, r.errorf(typ, start, ErrTruncated, "")
	}
	if t := r.bo.Uint32(b[len(b)-4:]); t != n {
		return nil, r.errorf(typ, start, ErrMalformed, "trailing block length %d, leading %d", t, n)
	}
	return b[:len(b)-4], nil
}

// readSection reads a section header block whose type and length are in
// r.hdr[:8]: its byte-order magic sets the byte order of the section, and
// the interfaces of the previous section are forgotten.
func (r *Reader) readSection(start int64) error {
	const typ = "section header"
	m, err := r.readHeaderAt(8, 4)
	if err != nil {
		return r.errorf(typ, start, ErrTruncated, "")
	}
	switch string(m) {
	case "\x1a\x2b\x3c\x4d":
		r.bo = binary.BigEndian
	case "\x4d\x3c\x2b\x1a":
		r.bo = binary.LittleEndian
	default:
		return r.errorf(typ, start, ErrMalformed, "byte-order magic % x", m)
	}
	b, err := r.readBody(typ, start, 12)
	if err != nil {
		return err
	}
	// b starts after the byte-order magic: major, minor, section length.
	if len(b) < 12 {
		return r.errorf(typ, start, ErrMalformed, "block length %d", len(b)+16)
	}
	if major := r.bo.Uint16(b[0:2]); major != 1 {
		return r.errorf(typ, start, ErrUnsupported, "version %d.%d", major, r.bo.Uint16(b[2:4]))
	}
	r.ifaces = r.ifaces[:0]
	return nil
}

// readHeaderAt reads n more header bytes into r.hdr[at:].
func (r *Reader) readHeaderAt(at, n int) ([]byte, error) {
	m, err := io.ReadFull(r.r, r.hdr[at:at+n])
	r.off += int64(m)
	return r.hdr[at : at+n], err
}

func (r *Reader) nextBlock() error {
	for {
		start := r.off
		if err := r.readBlockHeader(); err != nil {
			return err
		}
		typ := r.bo.Uint32(r.hdr[0:4])
		if typ == blockSection {
			if err := r.readSection(start); err != nil {
				return err
			}
			continue
		}
		name := "block"
		switch typ {
		case blockInterface:
			name = "interface description"
		case blockEnhanced:
			name = "enhanced packet"
		case blockSimple:
			name = "simple packet"
		case blockPacket:
			name = "packet"
		}
		b, err := r.readBody(name, start, 8)
		if err != nil {
			return err
		}
		switch typ {
		case blockInterface:
			if err := r.readInterface(name, start, b); err != nil {
				return err
			}
		case blockEnhanced, blockPacket:
			return r.readPacket(name, start, typ, b)
		case blockSimple:
			return r.readSimple(name, start, b)
		}
	}
}

func (r *Reader) readInterface(name string, start int64, b []byte) error {
	if len(b) < 8 {
		return r.errorf(name, start, ErrMalformed, "block length %d", len(b)+12)
	}
	ifc := Interface{
		LinkType: LinkType(r.bo.Uint16(b[0:2])),
		SnapLen:  int(r.bo.Uint32(b[4:8]) & 0x7fffffff),
		res:      resolution{exp: 6},
	}
	for o := b[8:]; len(o) >= 4; {
		code, n := r.bo.Uint16(o[0:2]), int(r.bo.Uint16(o[2:4]))
		if code == optEnd {
			break
		}
		o = o[4:]
		if n > len(o) {
			return r.errorf(name, start, ErrMalformed, "option %d is %d bytes, %d left", code, n, len(o))
		}
		v := o[:n]
		o = o[min(len(o), (n+3)&^3):]
		switch {
		case code == optTSResol && n == 1:
			ifc.res = resolution{base2: v[0]&0x80 != 0, exp: v[0] & 0x7f}
			if ifc.res.base2 && ifc.res.exp > 63 || !ifc.res.base2 && ifc.res.exp > 19 {
				return r.errorf(name, start, ErrUnsupported, "if_tsresol %#02x", v[0])
			}
		case code == optTSOffset && n == 8:
			ifc.offset = int64(r.bo.Uint64(v))
		}
	}
	r.ifaces = append(r.ifaces, ifc)
	return nil
}

// readPacket reads an enhanced packet block (interface ID 32 bits) or an
// obsolete packet block (interface ID and drop count, 16 bits each); the
// rest of their layout is the same.
func (r *Reader) readPacket(name string, start int64, typ uint32, b []byte) error {
	if len(b) < 20 {
		return r.errorf(name, start, ErrMalformed, "block length %d", len(b)+12)
	}
	id := r.bo.Uint32(b[0:4])
	if typ == blockPacket {
		id = uint32(r.bo.Uint16(b[0:2]))
	}
	if id >= uint32(len(r.ifaces)) {
		return r.errorf(name, start, ErrMalformed, "interface %d, but the section describes %d", id, len(r.ifaces))
	}
	ifc := &r.ifaces[id]
	ts := uint64(r.bo.Uint32(b[4:8]))<<32 | uint64(r.bo.Uint32(b[8:12]))
	capLen, origLen := r.bo.Uint32(b[12:16]), r.bo.Uint32(b[16:20])
	if uint64(capLen) > uint64(len(b)-20) {
		return r.errorf(name, start, ErrMalformed, "captured length %d, block holds %d", capLen, len(b)-20)
	}
	r.pkt = Packet{
		LinkType:  ifc.LinkType,
		Time:      ifc.res.time(ts, ifc.offset),
		Interface: int(id),
		Length:    length(origLen),
		Data:      b[20 : 20+capLen],
	}
	return nil
}

// readSimple reads a simple packet block: the original length and the
// data, captured on interface 0 and cut at its snap length.
func (r *Reader) readSimple(name string, start int64, b []byte) error {
	if len(b) < 4 {
		return r.errorf(name, start, ErrMalformed, "block length %d", len(b)+12)
	}
	if len(r.ifaces) == 0 {
		return r.errorf(name, start, ErrMalformed, "no interface described before it")
	}
	ifc := &r.ifaces[0]
	origLen := r.bo.Uint32(b[0:4])
	n := uint64(min(origLen, uint32(len(b)-4)))
	if ifc.SnapLen > 0 {
		n = min(n, uint64(ifc.SnapLen))
	}
	r.pkt = Packet{LinkType: ifc.LinkType, Length: length(origLen), Data: b[4 : 4+n]}
	return nil
}

// length converts a 32-bit length field to int without overflowing on
// 32-bit platforms.
func length(n uint32) int { return int(min(n, math.MaxInt32)) }

// resolution is an interface's timestamp unit: 10^-exp or 2^-exp seconds.
type resolution struct {
	base2 bool
	exp   uint8
}

var pow10 = [20]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// time converts ts units since the epoch, plus offset seconds, to a time.
func (res resolution) time(ts uint64, offset int64) time.Time {
	var sec, ns uint64
	switch k := uint(res.exp); {
	case res.base2 && k == 0:
		sec = ts
	case res.base2:
		sec = ts >> k
		hi, lo := bits.Mul64(ts&(1<<k-1), 1e9)
		ns = hi<<(64-k) | lo>>k
	default:
		d := pow10[k]
		sec = ts / d
		if rem := ts % d; k <= 9 {
			ns = rem * pow10[9-k]
		} else {
			ns = rem / pow10[k-9]
		}
	}
	return time.Unix(int64(sec)+offset, int64(ns)).UTC()
}
