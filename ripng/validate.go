package ripng

// routeOK is the per-entry rules of RFC 2080 §2.4.2 as one predicate on a
// route entry's raw fields, the address as its two big-endian halves:
// a prefix length of at most 128 without host bits and, in responses, a
// metric of 1–16 and a prefix that is neither multicast nor link-local.
// It is the codecs' hot path, small enough to inline; [checkRoute] says
// which rule an entry broke.
func routeOK(hi, lo uint64, plen, metric uint8, c Command) bool {
	// The host bits are what is left after shifting the prefix out of
	// the top. The shift counts are masked to 0–63, so the compiler emits
	// bare shifts; the branches follow the prefix length, which repeats
	// from entry to entry.
	var host uint64
	switch {
	case plen < 64:
		host = hi<<(plen&63) | lo
	case plen < 128:
		host = lo << (plen & 63)
	case plen > 128:
		return false
	}
	if host != 0 {
		return false
	}
	return c == Request || metric-1 < Infinity && hi>>56 != 0xff && hi>>54 != 0xfe80>>6
}

// nextHopOK reports whether a next-hop entry's address is :: or
// link-local (RFC 2080 §2.1.1).
func nextHopOK(hi, lo uint64) bool {
	return hi|lo == 0 || hi>>54 == 0xfe80>>6
}

// checkRoute returns the rule of RFC 2080 §2.4.2 a route entry's raw
// fields break, in the order a reader checks them (prefix length, host
// bits, metric, scope), or nil; see [routeOK].
func checkRoute(hi, lo uint64, plen, metric uint8, c Command) error {
	if plen > 128 {
		return ErrPrefixLength
	}
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
