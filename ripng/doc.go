// Package ripng implements RIPng, the Routing Information Protocol for IPv6,
// as described in RFC 2080: a message codec and a speaker that interoperates
// with BIRD and FRR.
package ripng
