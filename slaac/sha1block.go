package slaac

import (
	"encoding/binary"
	"math/bits"
)

// sha1Block runs the SHA-1 compression function (FIPS 180-4 section 6.1.2)
// once over a single 64-byte block, starting from the standard initial hash
// value, and returns the raw state words H0..H4 with no padding or length
// block: exactly what the Linux kernel computes for stable-privacy addresses.
// crypto/sha1 cannot be used because it always finalises.
func sha1Block(block *[64]byte) [5]uint32 {
	const (
		k0 = 0x5a827999
		k1 = 0x6ed9eba1
		k2 = 0x8f1bbcdc
		k3 = 0xca62c1d6
	)
	var w [16]uint32
	for i := range w {
		w[i] = binary.BigEndian.Uint32(block[4*i:])
	}
	h := [5]uint32{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0}
	a, b, c, d, e := h[0], h[1], h[2], h[3], h[4]
	i := 0
	for ; i < 16; i++ {
		t := bits.RotateLeft32(a, 5) + (b&c | ^b&d) + e + k0 + w[i]
		a, b, c, d, e = t, a, bits.RotateLeft32(b, 30), c, d
	}
	for ; i < 20; i++ {
		x := bits.RotateLeft32(w[(i-3)&15]^w[(i-8)&15]^w[(i-14)&15]^w[i&15], 1)
		w[i&15] = x
		t := bits.RotateLeft32(a, 5) + (b&c | ^b&d) + e + k0 + x
		a, b, c, d, e = t, a, bits.RotateLeft32(b, 30), c, d
	}
	for ; i < 40; i++ {
		x := bits.RotateLeft32(w[(i-3)&15]^w[(i-8)&15]^w[(i-14)&15]^w[i&15], 1)
		w[i&15] = x
		t := bits.RotateLeft32(a, 5) + (b ^ c ^ d) + e + k1 + x
		a, b, c, d, e = t, a, bits.RotateLeft32(b, 30), c, d
	}
	for ; i < 60; i++ {
		x := bits.RotateLeft32(w[(i-3)&15]^w[(i-8)&15]^w[(i-14)&15]^w[i&15], 1)
		w[i&15] = x
		t := bits.RotateLeft32(a, 5) + ((b & c) | (b & d) | (c & d)) + e + k2 + x
		a, b, c, d, e = t, a, bits.RotateLeft32(b, 30), c, d
	}
	for ; i < 80; i++ {
		x := bits.RotateLeft32(w[(i-3)&15]^w[(i-8)&15]^w[(i-14)&15]^w[i&15], 1)
		w[i&15] = x
		t := bits.RotateLeft32(a, 5) + (b ^ c ^ d) + e + k3 + x
		a, b, c, d, e = t, a, bits.RotateLeft32(b, 30), c, d
	}
	h[0] += a
	h[1] += b
	h[2] += c
	h[3] += d
	h[4] += e
	return h
}
