// Package discover finds every IPv6 host on one link, fast, as described in
// RFC 4443 (echo), RFC 8200, Section 4.2 (unknown destination options draw
// Parameter Problem), RFC 3810 (MLDv2 queries), RFC 4861 (Neighbor
// Discovery) and RFC 4291, Appendix A (modified EUI-64).
//
// # Scanning
//
// A [Scanner] opened with [NewScanner] runs these techniques concurrently,
// bounded by [Options.Rate] packets per second, through one packet socket:
//
//   - Echo Request to ff02::1 from the link-local and every global and ULA
//     source ([MethodEcho]);
//   - a Destination Options header with unknown option 0x80 on an ICMPv6
//     message of unknown type, so that even hosts that drop or ignore echo
//     answer with Parameter Problem ([MethodInvalidDst]);
//   - an MLDv2 General Query with Router Alert, answered by listener
//     reports from every node; no MLDv1 query is sent, so no host falls
//     back to MLDv1 ([MethodMLD]);
//   - Neighbor Solicitations to the EUI-64 address of every MAC seen in
//     every known prefix, and to every link-local seen, whose answers carry
//     the router flag ([MethodNS]);
//   - a Router Solicitation ([MethodRA]), the kernel's neighbour cache
//     ([MethodNeighbor]) and NDP traffic other nodes send meanwhile
//     ([MethodPassive]). A cache entry counts when it is REACHABLE or its
//     host answered during the scan: a STALE entry of a host that left
//     does not bring it back.
//
// [Scanner.Scan] yields [Host] snapshots, grouped by MAC, as answers arrive;
// [Scanner.Events] yields an [Event] per host found ([FoundHost]) and per
// address found ([FoundAddr]), for tools that act on each as it comes;
// [Scanner.ScanAll] collects the hosts; [Scanner.Watch] scans again and
// again and yields a [Change] per event: a host [Joined], gained addresses
// ([Added]: its global addresses found after its link-local, a new
// temporary address), lost some ([Removed]: an expired temporary address)
// or [Left], each with the addresses it is about. Scan, Events and Watch
// agree on which hosts are present. The scanner's own addresses are never
// reported. A link-local address comes zoned with the index of the
// scanner's interface ("fe80::2%3"), never its name, as everywhere in
// v6kit: Go caches interface names process-wide whatever network
// namespace a thread is in; v6disc prints the name, "fe80::2%eth0".
//
// # When a scan ends
//
// A scan ends when the link has answered. Its multicast probes go out
// three times, a quarter of the quiet period's floor apart (held back
// while a burst of answers arrives, by at most the floor); once they have,
// and every Neighbor Solicitation queued has gone, the scan ends when no
// answer has taught it anything new (a host, an address, that a host
// routes) for a quiet period: [Options.Quiet], by default [DefaultQuiet]
// (25 ms) on a wired link, or twice the round trip of the slowest host
// seen — in this scan or the scanner's previous one — if that is longer.
// An answer that repeats what the scan knows (a host answering the next
// round, a known host's late MLD report) does not hold it open. The MLD
// query lets hosts delay their reports by up to one quiet period. A host
// the neighbour cache knows that has not answered yet keeps the scan
// listening until [SleepyQuiet] (350 ms) after its start: a Wi-Fi station
// in power save sees multicast only at the access point's next DTIM
// beacon. [Options.Timeout] (1 s) caps the scan. On a wired lab link of
// nine nodes a scan ends about 60 ms after it starts, with every node
// reported within a few milliseconds.
//
// # Load on the link
//
// A scan never sends more than [Options.Rate] packets per second (2000 by
// default), after a first burst of 32. Its probes per host are bounded
// too, whatever the link's size: with S source addresses (the link-local,
// each global and ULA address) and P prefixes, every host receives 6S+2
// multicast frames (three rounds of echo and invalid-dst from each source,
// one MLD query, one Router Solicitation) and at most 2+P Neighbor
// Solicitations (for its link-local seen, and its EUI-64 address in the
// link-local and every prefix), plus one for each of its neighbour cache
// entries, and, if none of its answers came from a global source's
// prefix, one echo request from each of the G global sources; with S=3,
// G=2 and P=2 that is at most 20 + 4 + 2 frames per host and scan. The
// solicitations and those echo requests travel in Ethernet frames
// addressed to the host's MAC (RFC 6085): a switch delivers them to that
// host alone. One whose answer the scan has learnt meanwhile is dropped
// unsent: a guess at an address found, a guess for a host whose
// link-local is not EUI-64 (it forms its other addresses the same way), a
// cache entry of a host that answered, an echo to a host that answered
// from that prefix. On a link of N hosts a scan sends 6S+2 multicast
// frames and N to (4+G)N directed ones: a 1000-host link costs up to a
// few seconds of them at the default rate (Timeout cuts them short),
// after the multicast rounds found most hosts within milliseconds.
// Directed frames go in the order of what they find: first those that
// find hosts and addresses (the echo requests above, solicitations for
// neighbour cache entries), then the EUI-64 guesses, last the
// solicitations that only ask a host found whether it routes — on a
// 1000-host link those are a thousand frames, half a second at the
// default rate, and must not hold back the rest.
//
// # Names
//
// [Names] asks the link's mDNS responders (RFC 6762: avahi, mDNSResponder,
// systemd-resolved) for the names of addresses a scan found, with reverse
// PTR questions in a one-shot query; hosts that run no responder simply have
// no name. [ReverseName], [AppendReverseQuery] and [ParseReverseAnswers] are
// its pure parts.
//
// # Vendors
//
// [Vendors] is the IEEE registry (MA-L, MA-M, MA-S and IAB blocks),
// generated by `go generate` from Debian's ieee-data and embedded
// compressed. [Vendors.Lookup] matches the longest block and labels
// locally administered MACs [LocallyAdministered].
//
// # Platforms
//
// NewScanner works on Linux and needs CAP_NET_RAW; its sockets belong to
// the network namespace of the calling thread, and Close releases them.
// Elsewhere NewScanner and ListenMDNS return an error wrapping
// [errors.ErrUnsupported]. A nil interface and negative options are
// errors, never a panic.
package discover
