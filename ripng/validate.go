package ripng

import "encoding/binary"

// checkRoute applies the per-entry rules of RFC 2080 §2.4.2 to a route
// entry's raw fields: prefix length, host bits and, in responses, metric
// and scope. It works on the address halves so the hot path stays cheap.
func checkRoute(a *[16]byte, plen, metric uint8, c Command) error {
	if plen > 128 {
		return ErrPrefixLength
	}
	hi, lo := binary.BigEndian.Uint64(a[:8]), binary.BigEndian.Uint64(a[8:])
	var mhi, mlo uint64 // host-bit masks
	switch {
	case plen == 0:
		mhi, mlo = ^uint64(0), ^uint64(0)
	case plen < 64:
		mhi, mlo = ^uint64(0)>>plen, ^uint64(0)
	case plen < 128:
		mlo = ^uint64(0) >> (plen - 64)
	}
	if hi&mhi != 0 || lo&mlo != 0 {
		return ErrHostBits
	}
	if c == Request {
		return nil
	}
	if metric < 1 || metric > Infinity {
		return ErrMetric
	}
	if hi>>56 == 0xff || hi>>54 == 0xfe80>>6 {
		return ErrPrefixScope
	}
	return nil
}
