// Command v6only-server is a small DHCPv4 server for IPv6-mostly networks:
// it offers option 108 (RFC 8925) to clients that ask for it, keeps its
// leases in a crash-safe file (-leases, default
// /var/lib/v6kit/v6only-server.leases), and logs one line, or one JSON
// object, per decision. Run it with -h for its flags and JSON keys.
package main

import (
	"github.com/v6kit/v6kit/internal/cli"
	v6onlyserver "github.com/v6kit/v6kit/internal/cmd/v6only-server"
)

func main() { cli.Exit(v6onlyserver.Command) }
