// Package v6onlyserver is the v6only-server program: a small DHCPv4 server
// that applies RFC 8925's option 108 policy (package dhcpv4opt108), keeps
// its leases in a crash-safe file, and logs one line, or one JSON object,
// per decision.
package v6onlyserver

import "github.com/v6kit/v6kit/internal/cli"

// DefaultLeases is where the leases are kept unless -leases says otherwise.
const DefaultLeases = "/var/lib/v6kit/v6only-server.leases"

// Command is the v6only-server program.
var Command = cli.Command{Name: "v6only-server", Help: help, Setup: setup}

const help = `usage: v6only-server -i IF -range FIRST-LAST [-router ADDR] [-dns ADDR,...] [-v6only-wait SECONDS] [-zero-yiaddr] [-leases FILE] [-json]

A DHCPv4 server for IPv6-mostly networks: it sends option 108 (IPv6-Only
Preferred, RFC 8925) to clients that ask for it, and a normal lease to
those that do not. The interface must have an IPv4 address; its subnet
(or -mask) bounds the range and the router, and the address is the server
identifier. Every flag is checked before a socket opens.

Leases survive a crash or a restart: each acknowledged lease is appended
to the lease file and synced to disk before its ACK is sent, and the file
is compacted by write-then-rename at start (as dnsmasq's and Kea's lease
files are). -leases "" keeps them in memory only.

Memory: the Go runtime's limit is 7 MiB unless GOMEMLIMIT is set, which
keeps the server near 12 MiB resident under any load. Each client costs
about 100 bytes; give a server of more than 40000 clients more, e.g.
GOMEMLIMIT=64MiB.

examples:
  v6only-server -i eth0 -range 192.0.2.100-192.0.2.200 -router 192.0.2.1 -v6only-wait 1800
  v6only-server -i eth0 -range 192.0.2.100-192.0.2.200 -zero-yiaddr -json -leases /tmp/test.leases

-json prints one object per reply sent, with the keys:
  client         string   the client's hardware address, "02:00:5e:00:53:01"
  xid            string   the transaction ID, "0x12345678"
  request        string   the client's message type: "DISCOVER", "REQUEST"
  asked_108      bool     whether the client asked for option 108
  reply          string   the reply's type: "OFFER", "ACK", "NAK"
  yiaddr         string   the address offered or acknowledged, "0.0.0.0" for none
  option108      bool     whether the reply carries option 108
  v6only_wait_s  integer  V6ONLY_WAIT sent, in seconds; null without option 108

Exit status: 0 when stopped by a signal, 1 on a runtime error (the line
names the interface, socket or lease file), 2 on a usage error.
`
