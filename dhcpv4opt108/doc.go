// Package dhcpv4opt108 implements DHCPv4 option 108, IPv6-Only Preferred,
// as described in RFC 8925: a strict codec, the client's decision, the
// server's policy with a bounded serving loop, and configuration snippets
// for real DHCPv4 servers and clients. It builds on
// github.com/insomniacslk/dhcp and fixes three traps of its helpers.
//
// # The option
//
// [Option] is V6ONLY_WAIT in seconds. [New] and [FromSeconds] refuse values
// that do not fit 32 bits instead of wrapping them, as
// dhcpv4.OptIPv6OnlyPreferred does. [Decode] and [Lookup] tell an absent
// option from a malformed one (length ≠ 4, which clients must ignore); the
// library's getter reads the first four bytes of a longer value and calls a
// shorter one absent. [Option.Effective] applies the clamp rule: a value
// below [MinV6OnlyWait] (300 s), including 0, means 300 s.
// [DefaultV6OnlyWait] is the RFC's default of 1800 s.
//
// # Clients
//
// A host asks for 108 only when it is IPv6-only-capable ([Capable]: it knows
// a PREF64 prefix, or does not need IPv4) by adding [WithRequest] to its
// DISCOVER and REQUEST. [Decide] is RFC 8925, Section 3.2 as a pure
// function: an OFFER with a valid, requested 108 means "do not REQUEST; stay
// IPv6-only for max(V6ONLY_WAIT, 300 s)", as does an ACK with 108 in
// INIT-REBOOT; anything else continues. [Acquire] runs that flow on an
// nclient4 client (DiscoverOffer, Decide, RequestFromOffer only when no 108
// applies; Linux only, as nclient4 builds only there); [Probe] stops after
// the OFFER and needs only a [Discoverer].
//
// # Servers
//
// [Policy] is Section 3.3: 108 only when the client's Parameter Request List
// really contains 108 ([Requested]; the library's IsOptionRequested is true
// when there is no list at all), with the configured V6ONLY_WAIT; with
// ZeroYIAddr, an OFFER with yiaddr 0.0.0.0 and nothing allocated; option 116
// only when the client sent it; no Rapid Commit when the reply carries 108.
// [Policy.Apply] edits a reply another server built; [Handler] wraps a
// server4.Handler. A [Server] runs a server4.Handler on a connection the
// caller opened (and closes) from a fixed number of workers with reused
// buffers, where server4.Server starts a goroutine with a fresh buffer for
// every packet; its loop is [Server.Run].
//
// # Configuration
//
// [Render] writes what makes dnsmasq, Kea, ISC dhcpd, OpenWrt and
// systemd-networkd send 108, and what makes dhcpcd and dhclient ask for it.
package dhcpv4opt108
