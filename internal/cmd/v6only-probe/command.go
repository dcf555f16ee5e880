// Package v6onlyprobe is the v6only-probe program: a one-shot "is this
// network IPv6-mostly ready?" check. It sends one DHCPv4 DISCOVER that asks
// for option 108 (RFC 8925) and never a REQUEST, and solicits router
// advertisements (package ndp) to see whether they carry PREF64 and RDNSS.
package v6onlyprobe

import "github.com/v6kit/v6kit/internal/cli"

// Command is the v6only-probe program.
var Command = cli.Command{Name: "v6only-probe", Help: help, Setup: setup}

const help = `usage: v6only-probe -i IF [-json] [-timeout 5s] [-ra-wait 2s]

Sends one DHCPv4 DISCOVER that asks for option 108 (IPv6-Only Preferred,
RFC 8925), never a REQUEST, and solicits router advertisements; reports
the server, the offered address, option 108 and its wait, PREF64 and
RDNSS. No OFFER within -timeout is an answer too (outcome "no-offer"):
nobody serves DHCPv4 on the link. Needs CAP_NET_RAW (run as root).

examples:
  v6only-probe -i eth0
  v6only-probe -i eth0 -json -timeout 10s

-json prints one object with the keys:
  outcome           string    "offer" or "no-offer"
  server            string    the OFFER's server identifier; "" with no offer
  offered           string    the OFFER's yiaddr ("0.0.0.0" from servers that allocate nothing); "" with no offer
  option108         bool      whether the OFFER carries option 108 at all
  option108_status  string    "valid", "malformed" (a length other than 4: clients ignore it) or "absent"
  v6only_wait_s     integer   V6ONLY_WAIT as sent, in seconds; null unless valid
  effective_wait_s  integer   how long a client stays IPv6-only, in seconds (at least 300); null unless valid
  pref64            [string]  NAT64 prefixes from the router advertisements (RFC 8781)
  rdnss             [string]  DNS servers from the router advertisements (RFC 8106)
  v6only            bool      whether a capable client would stop DHCPv4 here
  ready             bool      option 108 valid, and the RAs carry PREF64 and RDNSS

Exit status: 0 when the probe ran, whatever it found (no offer included);
1 when it could not run (the line names the interface or socket); 2 on a
usage error.
`
