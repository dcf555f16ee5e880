// Package v6onlyprobe is the v6only-probe program: a one-shot "is this
// network ready for IPv6-only clients?" check. It sends one DHCPv4 DISCOVER
// that asks for option 108 (RFC 8925) and never a REQUEST, solicits router
// advertisements (package ndp) for PREF64 and RDNSS, then asks the DNS64
// for ipv4only.arpa (RFC 7050) and an A-only name, and reaches an IPv4
// address through the NAT64 prefix (package nat64), as a CLAT would.
package v6onlyprobe

import "github.com/v6kit/v6kit/internal/cli"

// Command is the v6only-probe program.
var Command = cli.Command{Name: "v6only-probe", Help: help, Setup: setup}

const help = `usage: v6only-probe -i IF [-json] [-timeout 5s] [-ra-wait 2s] [-dns ADDR] [-name NAME] [-target IPV4:PORT] [-port 443]

Checks in one run whether the link is ready for IPv6-only clients, one
line each, ✔ or ✘ with what to fix (– when an earlier ✘ stopped it):

  option 108  one DHCPv4 DISCOVER asking for option 108 (IPv6-Only
              Preferred, RFC 8925), never a REQUEST: its wait, clamped
              to 300 s as clients do
  PREF64      the NAT64 prefix of the router advertisements (RFC 8781),
              its lifetime against the router lifetime
  RDNSS       the DNS servers of the router advertisements (RFC 8106)
  RFC 7050    the NAT64 prefix the DNS64 synthesises ipv4only.arpa with,
              and whether it agrees with PREF64
  DNS64       the AAAA records synthesised for an A-only name (-name),
              under the prefix clients use (PREF64, else RFC 7050)
  NAT64       an IPv4 address (-target, else the name's A record) reached
              through its address under that prefix: ICMPv6 echo and a
              TCP connect, with round-trip times

The fixes name OpenWrt (odhcpd, dnsmasq), unbound and Jool settings. No
OFFER within -timeout is an answer too (outcome "no-offer"). Needs
CAP_NET_RAW (run as root).

examples:
  v6only-probe -i eth0
  v6only-probe -i eth0 -json -timeout 10s
  v6only-probe -i eth0 -dns 2001:db8:1:1::1 -name ipv4only.example.net -target 192.0.2.80:80

-json prints one object with the keys:
  outcome            string    "offer" or "no-offer"
  server             string    the OFFER's server identifier; "" with no offer
  offered            string    the OFFER's yiaddr ("0.0.0.0" from servers that allocate nothing); "" with no offer
  option108          bool      whether the OFFER carries option 108 at all
  option108_status   string    "valid", "malformed" (a length other than 4: clients ignore it) or "absent"
  v6only_wait_s      integer   V6ONLY_WAIT as sent, in seconds; null unless valid
  effective_wait_s   integer   how long a client stays IPv6-only, in seconds (at least 300); null unless valid
  pref64             [string]  NAT64 prefixes from the router advertisements (RFC 8781)
  rdnss              [string]  DNS servers from the router advertisements, in their order (RFC 8106)
  v6only             bool      whether a capable client would stop DHCPv4 here
  ready              bool      option 108 valid, and the RAs carry PREF64 and RDNSS
  router_lifetime_s  integer   router lifetime of the RA whose PREF64 is used, in seconds; null without PREF64
  pref64_lifetime_s  integer   that PREF64's lifetime, in seconds; null without PREF64
  dns_server         string    the DNS server asked, as [addr]:port: -dns, else the first RDNSS that answers; "" when there is none
  rdnss_unanswered   [string]  RDNSS servers that did not answer (each is asked, without -dns); clients wait out each
  rfc7050_prefixes   [string]  prefixes found in the AAAA records of ipv4only.arpa (RFC 7050)
  rfc7050_error      string    why none were found; "" when found or not asked
  nat64_prefix       string    the prefix clients use: PREF64 if advertised, else RFC 7050's; "" for none
  nat64_source       string    "pref64", "dns64" or ""
  prefix_agree       bool      PREF64 is among the RFC 7050 prefixes
  dns64_name         string    the A-only name asked for (-name)
  dns64_aaaa         [string]  the AAAA records the DNS64 synthesised for it
  dns64_prefixes     [string]  the prefixes those records embed its A records under
  dns64_ok           bool      the DNS64 synthesised under nat64_prefix
  dns64_error        string    what went wrong; "" when dns64_ok or not asked
  nat64_target       string    the IPv4 address and port reached, as addr:port
  nat64_via          string    its address under nat64_prefix
  echo_rtt_ms        number    ICMPv6 echo round-trip time through NAT64, in ms; null on failure
  tcp_rtt_ms         number    TCP connect time through NAT64, in ms; null on failure
  nat64_error        string    what failed on the NAT64 path; "" when both worked
  checks             [object]  the report's lines in order, each with the keys:
    check            string    "option108", "pref64", "rdnss", "rfc7050", "dns64" or "nat64"
    ok               bool      the ✔
    skipped          bool      not run, for a reason in text (ok is false)
    text             string    what the line says
    fix              string    what to change; "" when ok or skipped
  all_ok             bool      every check ok: ready for IPv6-only clients

Exit status: 0 when the probe ran, whatever it found (no offer and ✘
lines included); 1 when it could not run (the line names the interface or
socket); 2 on a usage error.
`
