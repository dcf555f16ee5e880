// Package v6kit is a Go SDK for IPv6 in small office and home networks: the
// Raspberry Pi running LXD containers, the OpenWrt router running BIRD, and
// the LAN that is going IPv6-mostly. This package holds documentation only;
// the code lives in the packages below, each usable on its own.
//
// # The packages
//
// [github.com/v6kit/v6kit/slaac] computes the addresses hosts form by
// themselves: modified EUI-64, RFC 7217 stable opaque identifiers exactly as
// the Linux kernel, NetworkManager and systemd-networkd compute them, and
// RFC 8981 temporary addresses. It is pure Go with no I/O, so it answers
// "which address will this host have?" before the host boots.
//
// [github.com/v6kit/v6kit/ndp] does Neighbor Discovery (RFC 4861) on top of
// github.com/mdlayher/ndp: resolving addresses, duplicate address probes,
// collecting router advertisements with their prefixes, DNS options and
// PREF64, the kernel's neighbour cache, and a passive watch of the link.
//
// [github.com/v6kit/v6kit/discover] finds every IPv6 host on a link in well
// under a second by combining several techniques at once, and groups the
// answers by MAC address with vendor names.
//
// [github.com/v6kit/v6kit/dhcpv4opt108] implements DHCPv4 option 108,
// IPv6-Only Preferred (RFC 8925): the codec, the client's decision, the
// server's policy, and configuration for the DHCP servers people run.
//
// [github.com/v6kit/v6kit/ripng] speaks RIPng (RFC 2080) well enough to sit
// beside BIRD and FRR as one of their own.
//
// [github.com/v6kit/v6kit/macvlan] manages the host-side macvlan shim that
// lets a Linux host reach its own macvlan containers.
//
// [github.com/v6kit/v6kit/lxdprofile] builds, renders, applies and expands
// LXD profiles for containers on the LAN, and predicts their addresses.
//
// # How the pieces fit
//
// A home server runs LXD containers on macvlan, so each container is a
// first-class host on the LAN: lxdprofile writes the profile, macvlan adds
// the shim so the host can still reach its containers, and slaac predicts
// each container's address from its MAC so it can go into DNS before the
// container starts. Laptops use stable-privacy and temporary addresses, which
// slaac reproduces bit for bit. The LAN goes IPv6-mostly: the DHCPv4 server
// offers option 108 and capable hosts stop asking for IPv4 (dhcpv4opt108),
// while the router's advertisements carry PREF64 and RDNSS (ndp). Routers
// exchange routes with RIPng (ripng). When a device falls off the IPv4
// network, discover finds it by its link-local address so you can ssh in.
//
// The runnable programs under examples/ are thin front ends to these
// packages; examples/lab builds a whole virtual home network out of network
// namespaces and runs every story above on it.
package v6kit
