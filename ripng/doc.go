// Package ripng implements RIPng, the Routing Information Protocol for IPv6,
// as described in RFC 2080: a message codec, a packetiser, and a speaker
// that gets along with BIRD and FRR on the same link.
//
// # Messages
//
// A [Message] is a request or a response carrying route table entries
// ([RTE]) in wire order: routes (prefix, tag, metric 1–16) and next-hop
// entries (metric 0xFF, see [NextHopRTE]). Encoders append
// ([Message.AppendBinary]) and reject what the RFC forbids; the strict
// [Message.UnmarshalBinary] rejects any bad entry, while the
// allocation-free [Decoder] walks the entries one by one, reporting bad
// entries individually (a receiver drops them and goes on, RFC 2080 §2.4.2)
// and header errors stickily:
//
//	d := ripng.NewDecoder(b)
//	for d.Next() {
//		e, err := d.Entry()
//		...
//	}
//	if err := d.Err(); err != nil { ... }
//
// [Packetize] splits a table into responses that fit a link MTU (72 entries
// at 1500 bytes, next-hop entries counted), grouping routes by next hop.
//
// # Errors
//
// Decoding errors are [*ParseError] values wrapping one of the exported
// sentinels ([ErrVersion], [ErrLength], [ErrMetric], …), so callers test
// them with errors.Is and errors.As.
package ripng
