package slaac

import (
	"crypto/sha1"
	"encoding/binary"
	"testing"
)

// TestSipHash24Vectors checks the reference vectors of the SipHash paper
// (Appendix A, key 00..0f, message 00..len-1), hashing each message in two
// parts to exercise the buffering.
func TestSipHash24Vectors(t *testing.T) {
	var key [16]byte
	for i := range key {
		key[i] = byte(i)
	}
	want := map[int]uint64{
		0:  0x726fdb47dd0e0e31,
		1:  0x74f839c593dc67fd,
		7:  0xab0200f58b01d137,
		8:  0x93f5f5799a932462,
		15: 0xa129ca6149be45e5,
		63: 0x958a324ceb064572,
	}
	for n, w := range want {
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte(i)
		}
		for split := 0; split <= n; split++ {
			h := newSipHash24(&key)
			h.write(msg[:split])
			h.writeString(string(msg[split:]))
			if got := h.sum64(); got != w {
				t.Fatalf("siphash24(len %d, split %d) = %#x, want %#x", n, split, got, w)
			}
		}
	}
}

// TestSHA1Block checks the raw block function against crypto/sha1: the
// standard digest of a 55-byte message is one block whose padding we build by
// hand.
func TestSHA1Block(t *testing.T) {
	msg := []byte("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")[:55]
	var block [64]byte
	copy(block[:], msg)
	block[55] = 0x80
	binary.BigEndian.PutUint64(block[56:], uint64(len(msg))*8)
	h := sha1Block(&block)
	var got [20]byte
	for i, v := range h {
		binary.BigEndian.PutUint32(got[4*i:], v)
	}
	if want := sha1.Sum(msg); got != want {
		t.Fatalf("sha1Block = %x, want %x", got, want)
	}
}
