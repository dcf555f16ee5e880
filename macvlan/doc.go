// Package macvlan implements the host-side macvlan "shim" that lets a Linux
// host reach its own macvlan containers, with on-link routes through the shim
// carrying a route preference, as described in RFC 4191 (route preference)
// and RFC 4861 section 6.3.4 (on-link prefixes).
//
// # Why a shim
//
// A macvlan child never talks to its parent: frames a macvlan sends go to the
// other macvlans on the parent and out of the wire, never up the parent's own
// stack. A host whose containers sit on macvlan NICs therefore cannot reach
// them over the parent. A second macvlan on the host side, in bridge mode (the
// shim), can: [Ensure] creates it (default name [DefaultName], MAC = the
// parent's with the first octet set to the locally administered 0x02), gives
// it an address in each of the parent's global and ULA on-link prefixes (the
// modified EUI-64 of its MAC, so neighbour discovery for the source address is
// answered on the shim) and routes those prefixes through it with metric 100
// and preference high. IPv4 routes are optional ([Config.IPv4]); they carry
// the parent's address as preferred source (ARP for it is answered on any
// interface).
//
// # Safety
//
// Nothing here changes the parent: not its addresses, routes, MTU or state.
// [Ensure] is idempotent (ensuring twice changes nothing), converges
// (ensuring with another metric, or after the parent's prefixes changed,
// replaces the shim's own routes and addresses) and rolls back what it made
// when a step fails. Names are checked as Linux checks them before anything
// is opened, and a parent that is not an Ethernet link is refused
// ([ErrNotEthernet]). [Remove] removes only a shim this package would
// have made (a macvlan on that parent with the derived MAC); deleting the link
// removes its addresses and routes. A wireless parent is refused before
// anything is created: the kernel accepts a macvlan on Wi-Fi, but the access
// point drops frames from the extra MACs ([ErrWireless]). On systems other
// than Linux every call returns an error wrapping [errors.ErrUnsupported].
//
// # Namespaces
//
// Every call opens its netlink sockets in the calling thread's network
// namespace and closes them before returning; run it on a thread inside
// another namespace to manage that namespace.
package macvlan
