// Package slaac computes IPv6 interface identifiers and addresses the way
// hosts form them with stateless address autoconfiguration (RFC 4862):
// modified EUI-64 (RFC 4291 Appendix A), stable opaque identifiers (RFC 7217)
// bit-exact with the Linux kernel, NetworkManager and systemd-networkd, the
// reserved identifiers of RFC 5453, and temporary addresses (RFC 8981).
//
// It is pure: no I/O, and time and randomness come from the caller.
package slaac
