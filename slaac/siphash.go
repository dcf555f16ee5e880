package slaac

import (
	"encoding/binary"
	"math/bits"
)

// sipHash24 is SipHash-2-4 (Aumasson and Bernstein, 2012) with a 128-bit key,
// as systemd's siphash24() computes it. The input is given in parts that are
// hashed as if concatenated, so callers need not build a buffer.
type sipHash24 struct {
	v0, v1, v2, v3 uint64
	tail           [8]byte
	ntail          int
	n              uint64
}

func newSipHash24(key *[16]byte) sipHash24 {
	k0 := binary.LittleEndian.Uint64(key[0:])
	k1 := binary.LittleEndian.Uint64(key[8:])
	return sipHash24{
		v0: k0 ^ 0x736f6d6570736575,
		v1: k1 ^ 0x646f72616e646f6d,
		v2: k0 ^ 0x6c7967656e657261,
		v3: k1 ^ 0x7465646279746573,
	}
}

func (s *sipHash24) round() {
	s.v0 += s.v1
	s.v1 = bits.RotateLeft64(s.v1, 13)
	s.v1 ^= s.v0
	s.v0 = bits.RotateLeft64(s.v0, 32)
	s.v2 += s.v3
	s.v3 = bits.RotateLeft64(s.v3, 16)
	s.v3 ^= s.v2
	s.v0 += s.v3
	s.v3 = bits.RotateLeft64(s.v3, 21)
	s.v3 ^= s.v0
	s.v2 += s.v1
	s.v1 = bits.RotateLeft64(s.v1, 17)
	s.v1 ^= s.v2
	s.v2 = bits.RotateLeft64(s.v2, 32)
}

func (s *sipHash24) block(m uint64) {
	s.v3 ^= m
	s.round()
	s.round()
	s.v0 ^= m
}

func (s *sipHash24) write(p []byte) {
	s.n += uint64(len(p))
	if s.ntail > 0 {
		c := copy(s.tail[s.ntail:], p)
		s.ntail += c
		p = p[c:]
		if s.ntail < 8 {
			return
		}
		s.block(binary.LittleEndian.Uint64(s.tail[:]))
		s.ntail = 0
	}
	for len(p) >= 8 {
		s.block(binary.LittleEndian.Uint64(p))
		p = p[8:]
	}
	s.ntail = copy(s.tail[:], p)
}

func (s *sipHash24) writeString(p string) {
	for len(p) > 0 {
		var buf [32]byte
		n := copy(buf[:], p)
		s.write(buf[:n])
		p = p[n:]
	}
}

func (s *sipHash24) sum64() uint64 {
	var last [8]byte
	copy(last[:], s.tail[:s.ntail])
	last[7] = byte(s.n)
	s.block(binary.LittleEndian.Uint64(last[:]))
	s.v2 ^= 0xff
	s.round()
	s.round()
	s.round()
	s.round()
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3
}
