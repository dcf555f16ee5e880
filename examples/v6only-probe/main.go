// Command v6only-probe checks whether a network is IPv6-mostly ready: it
// sends one DHCPv4 DISCOVER asking for option 108 (RFC 8925), never a
// REQUEST, and reads the link's router advertisements for PREF64 and RDNSS.
// No offer is an answer too. Run it with -h for its flags and JSON keys.
package main

import (
	"github.com/v6kit/v6kit/internal/cli"
	v6onlyprobe "github.com/v6kit/v6kit/internal/cmd/v6only-probe"
)

func main() { cli.Exit(v6onlyprobe.Command) }
