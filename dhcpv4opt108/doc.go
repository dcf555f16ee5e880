// Package dhcpv4opt108 implements DHCPv4 option 108, IPv6-Only Preferred, as
// described in RFC 8925: a strict codec, the client's decision, the server's
// policy, and configuration snippets for real DHCPv4 servers and clients.
// It builds on github.com/insomniacslk/dhcp.
package dhcpv4opt108
