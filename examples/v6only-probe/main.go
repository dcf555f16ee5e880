// Command v6only-probe checks whether a network is ready for IPv6-only
// clients, one ✔/✘ line each with what to fix: it sends one DHCPv4 DISCOVER
// asking for option 108 (RFC 8925), never a REQUEST; reads the link's
// router advertisements for PREF64 and RDNSS; asks the DNS64 for
// ipv4only.arpa (RFC 7050) and an A-only name; and reaches an IPv4 address
// through the NAT64 prefix by ICMPv6 echo and TCP. No offer is an answer
// too. Run it with -h for its flags and JSON keys, e.g.
//
//	sudo v6only-probe -i eth0 -name ipv4only.example.net -target 192.0.2.80:80
package main

import (
	"github.com/v6kit/v6kit/internal/cli"
	v6onlyprobe "github.com/v6kit/v6kit/internal/cmd/v6only-probe"
)

func main() { cli.Exit(v6onlyprobe.Command) }
