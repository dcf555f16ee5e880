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
// # Speaker
//
// A [Speaker] runs RFC 2080 on one or more interfaces, each with a
// [PacketConn] ([Listen] opens one on Linux: UDP port 521 bound to the
// interface, ff02::9 joined, hop limit 255 on everything it sends, the
// interface's link-local address set as the source of every datagram). It
// asks for its neighbours' tables and sends its own on start and on
// interface up, sends periodic updates every 30 s ± 5 s and triggered
// updates at most every 1–5 s, expires routes after 180 s and deletes them
// 120 s later, applies split horizon with poisoned reverse, keeps route
// tags, answers whole-table and specific requests to the requester's port,
// and sends a final update poisoning its routes when it stops.
//
// It is built to get along with BIRD 2 and FRR 8: responses are accepted
// only from port 521 and link-local sources, multicast ones only with hop
// limit 255 (unicast replies with FRR's hop limit 64 are accepted, so a
// restart converges at once); bad entries are dropped and counted one by
// one; [Config.RouteLimit] and [Config.NeighborLimit] bound what a hostile
// neighbour can make it hold. [Speaker.Interfaces], [Speaker.Neighbors] and
// [Speaker.Routes] are views like birdc's `show rip interfaces`,
// `show rip neighbors` and `show route`. [KernelSync] installs learned
// routes in the Linux kernel with protocol number [KernelProtocol];
// [InterfaceWatcher] follows links and link-local addresses over netlink and
// calls [Speaker.SetInterfaceUp].
//
// The protocol state machine has no goroutines and no clock: it takes the
// current time as an argument, so its tests run hours of timers without
// sleeping; [Speaker.Run] is its shell on the real clock (tested with
// testing/synctest). Randomness is [Config.Rand] (nil: crypto/rand).
//
// Whoever opens, closes: [Listen] opens a [Conn] and the caller closes it
// after [Speaker.Run] returns; [NewKernelSync] and [NewInterfaceWatcher]
// open netlink sockets that their Close methods close. Run never closes
// what it did not open, and a second Run returns an error.
//
// # Errors
//
// Decoding errors are [*ParseError] values wrapping one of the exported
// sentinels ([ErrVersion], [ErrLength], [ErrMetric], …), so callers test
// them with errors.Is and errors.As.
package ripng
