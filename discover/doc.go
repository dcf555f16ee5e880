// Package discover finds every IPv6 host on one link, fast, by combining
// multicast echo (RFC 4443), an unknown destination option that draws
// Parameter Problem replies (RFC 8200 §4.2), an MLDv2 general query (RFC 3810),
// Neighbor Solicitations to EUI-64 guesses (RFC 4861, RFC 4291) and the kernel's
// neighbour cache, and groups what answers by MAC address with vendor names.
package discover
