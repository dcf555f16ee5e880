package slaacaddr

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/clitest"
)

// TestMain lets TestClosedStdoutIsQuiet run this test binary as the
// slaacaddr program itself.
func TestMain(m *testing.M) {
	if os.Getenv("SLAACADDR_TEST_MAIN") == "1" {
		cli.Exit(Command)
	}
	os.Exit(m.Run())
}

// TestBadInputs: every class of bad input exits 2 (1 for a runtime
// failure) with one line saying what is wrong and what to do.
func TestBadInputs(t *testing.T) {
	clitest.BadInputs(t, Command, []clitest.BadInput{
		{Name: "no mode", Args: []string{"-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode is required; give one of eui64, linux, nm, systemd, rfc7217, temporary`},
		{Name: "unknown mode", Args: []string{"-mode", "x", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode "x" is unknown; give one of eui64, linux, nm, systemd, rfc7217, temporary`},
		{Name: "unknown mode bsd", Args: []string{"-mode", "bsd", "-mac", "00:16:3e:65:2b:99", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode "bsd" is unknown; give one of eui64, linux, nm, systemd, rfc7217, temporary`},
		{Name: "unknown flag", Args: []string{"-mode", "eui64", "-foo"}, Status: cli.ExitUsage, Line: `slaacaddr: -foo: no such flag; see -h for the flags`},
		{Name: "flag without value", Args: []string{"-mode"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode: needs a value`},
		{Name: "dad not a number", Args: []string{"-mode", "eui64", "-dad", "x"}, Status: cli.ExitUsage, Line: `slaacaddr: -dad "x": not a whole number; see -h`},
		{Name: "stray argument", Args: []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "2001:db8::/64", "eth0"}, Status: cli.ExitUsage, Line: `slaacaddr: unexpected argument "eth0"; every option is a flag (see slaacaddr -h)`},
		{Name: "no prefix", Args: []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix is required; give a /64 such as 2001:db8:1:2::/64 (or -linklocal for fe80::/64)`},
		{Name: "prefix not a prefix", Args: []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "nope"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix "nope" is not a prefix; give a /64 such as 2001:db8:1:2::/64`},
		{Name: "prefix address only", Args: []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "2001:db8::1"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix "2001:db8::1" is not a prefix; give a /64 such as 2001:db8:1:2::/64`},
		{Name: "prefix /48", Args: []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "2001:db8::/48"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix 2001:db8::/48 is not an IPv6 /64; SLAAC forms addresses only in a /64 (RFC 4862), such as 2001:db8:1:2::/64`},
		{Name: "prefix /128", Args: []string{"-mode", "linux", "-secret", "::1", "-prefix", "2001:db8::1/128"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix 2001:db8::1/128 is not an IPv6 /64; SLAAC forms addresses only in a /64 (RFC 4862), such as 2001:db8:1:2::/64`},
		{Name: "prefix IPv4", Args: []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "192.0.2.0/24"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix 192.0.2.0/24 is not an IPv6 /64; SLAAC forms addresses only in a /64 (RFC 4862), such as 2001:db8:1:2::/64`},
		{Name: "prefix IPv4-mapped", Args: []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "::ffff:0:0/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix ::ffff:0:0/64 is not an IPv6 /64; SLAAC forms addresses only in a /64 (RFC 4862), such as 2001:db8:1:2::/64`},
		{Name: "temporary prefix /56", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/56", "-valid", "1h", "-for", "1h"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix 2001:db8::/56 is not an IPv6 /64; SLAAC forms addresses only in a /64 (RFC 4862), such as 2001:db8:1:2::/64`},
		{Name: "bad mac", Args: []string{"-mode", "eui64", "-mac", "zz", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mac "zz" is not a MAC; give one such as 00:16:3e:65:2b:99`},
		{Name: "mac 5 bytes", Args: []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mac "00:16:3e:65:2b" is not a MAC; give one such as 00:16:3e:65:2b:99`},
		{Name: "mac 20 bytes", Args: []string{"-mode", "eui64", "-mac", "00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mac 00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00 has 20 bytes; modified EUI-64 needs a 48-bit MAC or a 64-bit EUI-64`},
		{Name: "systemd bad mac", Args: []string{"-mode", "systemd", "-ifname", "eth0", "-mac", "1:2:3", "-key", "86b123b969ba4b7eb8b3d8605123525a", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mac "1:2:3" is not a MAC; give one such as 00:16:3e:65:2b:99`},
		{Name: "linux bad permaddr", Args: []string{"-mode", "linux", "-secret", "::1", "-permaddr", "nope", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -permaddr "nope" is not a MAC; give one such as 00:16:3e:65:2b:99`},
		{Name: "linux bad secret", Args: []string{"-mode", "linux", "-secret", "abc", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -secret "abc" is not an IPv6 literal; give the stable_secret as sysctl net.ipv6.conf.IF.stable_secret shows it, such as 2001:db8::1`},
		{Name: "linux IPv4 secret", Args: []string{"-mode", "linux", "-secret", "192.0.2.1", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -secret "192.0.2.1" is not an IPv6 literal; give the stable_secret as sysctl net.ipv6.conf.IF.stable_secret shows it, such as 2001:db8::1`},
		{Name: "rfc7217 secret not hex", Args: []string{"-mode", "rfc7217", "-secret", "zz", "-ifname", "eth0", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -secret "zz" is not hex; give the secret key as at least 32 hex digits (128 bits)`},
		{Name: "rfc7217 short secret", Args: []string{"-mode", "rfc7217", "-secret", "0001", "-ifname", "eth0", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -secret has 16 bits; RFC 7217 needs at least 128 (32 hex digits)`},
		{Name: "systemd bad key", Args: []string{"-mode", "systemd", "-ifname", "eth0", "-mac", "00:16:3e:65:2b:99", "-key", "00", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -key "00" is not 32 hex digits; give the SECRET of Token=prefixstable:PREFIX,SECRET`},
		{Name: "nm host-id-hex not hex", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id-hex", "xyz", "-uuid", "u", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -host-id-hex "xyz" is not hex; give the host ID as hex digits`},
		{Name: "bad machine id", Args: []string{"-mode", "systemd", "-ifname", "eth0", "-mac", "00:16:3e:65:2b:99", "-machine-id", "1234", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -machine-id "1234" is not a machine ID; give the 32 hex digits of /etc/machine-id`},
		{Name: "negative dad", Args: []string{"-mode", "linux", "-secret", "::1", "-prefix", "2001:db8::/64", "-dad", "-1"}, Status: cli.ExitUsage, Line: `slaacaddr: -dad -1 is negative; give the number of DAD conflicts before this address (0 for the first)`},
		{Name: "dad past linux retries", Args: []string{"-mode", "linux", "-secret", "::1", "-prefix", "2001:db8::/64", "-dad", "4"}, Status: cli.ExitUsage, Line: `slaacaddr: -dad 4 is past the retries -mode linux makes (too many DAD conflicts (IDGEN_RETRIES exhausted): dad_count 4, idgen_retries 3); give a smaller -dad`},
		{Name: "dad past nm retries", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-uuid", "u", "-prefix", "2001:db8::/64", "-dad", "3"}, Status: cli.ExitUsage, Line: `slaacaddr: -dad 3 is past the retries -mode nm makes (too many DAD conflicts (IDGEN_RETRIES exhausted): NetworkManager tries DAD counters 0..2, got 3); give a smaller -dad`},
		{Name: "eui64 dad", Args: []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "2001:db8::/64", "-dad", "1"}, Status: cli.ExitUsage, Line: `slaacaddr: -dad 1: a modified EUI-64 address has no DAD retry (a conflict leaves the interface without it); give -dad 0`},
		{Name: "unknown byte order", Args: []string{"-mode", "linux", "-secret", "::1", "-byte-order", "middle", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -byte-order "middle" is unknown; give big (ath79 MIPS routers, s390x, ppc64) or little (MT7621 mipsel, arm, x86), or leave it out for this host's`},
		{Name: "byte order in eui64 mode", Args: []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-byte-order", "big", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: "slaacaddr: -byte-order does not apply to -mode eui64; drop it (slaacaddr -h lists each mode's flags)"},
		{Name: "negative idgen-retries", Args: []string{"-mode", "linux", "-secret", "::1", "-prefix", "2001:db8::/64", "-idgen-retries", "-1"}, Status: cli.ExitUsage, Line: `slaacaddr: -idgen-retries -1 is negative; give net.ipv6.idgen_retries (default 3)`},
		{Name: "eui64 without mac", Args: []string{"-mode", "eui64", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode eui64 needs -mac; give the interface's MAC such as 00:16:3e:65:2b:99`},
		{Name: "linux without secret", Args: []string{"-mode", "linux", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode linux needs -secret; give the interface's stable_secret as sysctl shows it, such as 2001:db8::1`},
		{Name: "nm without ifname", Args: []string{"-mode", "nm", "-host-id", "k", "-uuid", "u", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode nm needs -ifname; give the interface name NetworkManager hashes (its ${DEVICE})`},
		{Name: "nm without host id", Args: []string{"-mode", "nm", "-ifname", "eth0", "-uuid", "u", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode nm needs exactly one of -host-id, -host-id-hex, -secret-key; give -secret-key /var/lib/NetworkManager/secret_key (a copy) with -machine-id`},
		{Name: "nm without network id", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode nm needs a network ID; give -uuid UUID [-stable-id TEMPLATE] or -stable-type TYPE -network-id ID`},
		{Name: "nm network-id without stable-type", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-network-id", "x", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -stable-type and -network-id go together; give both, e.g. -stable-type uuid -network-id $(nmcli -g connection.uuid c show eth0)`},
		{Name: "systemd without mac", Args: []string{"-mode", "systemd", "-ifname", "eth0", "-key", "86b123b969ba4b7eb8b3d8605123525a", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode systemd needs -ifname and -mac; give the interface name and its current MAC`},
		{Name: "systemd without key", Args: []string{"-mode", "systemd", "-ifname", "eth0", "-mac", "00:16:3e:65:2b:99", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode systemd needs -key or -machine-id; give the Token=prefixstable secret or the 32 hex digits of /etc/machine-id`},
		{Name: "systemd link-local without machine-id", Args: []string{"-mode", "systemd", "-ifname", "eth0", "-linklocal"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode systemd -linklocal needs -machine-id and -ifname; give the 32 hex digits of /etc/machine-id and the interface name`},
		{Name: "rfc7217 without ifname", Args: []string{"-mode", "rfc7217", "-secret", "000102030405060708090a0b0c0d0e0f", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode rfc7217 needs -secret and -ifname; give the secret key in hex (at least 32 digits) and the interface name`},
		{Name: "temporary without valid", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-for", "1h"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode temporary needs -valid; give the advertised valid lifetime of the prefix, such as 720h`},
		{Name: "temporary without for", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode temporary needs -for; give the span to simulate, such as 72h`},
		{Name: "temporary without prefix", Args: []string{"-mode", "temporary", "-valid", "1h", "-for", "1h"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix is required; give a /64 such as 2001:db8:1:2::/64 (or -linklocal for fe80::/64)`},
		{Name: "negative valid", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "-1h", "-for", "1h"}, Status: cli.ExitUsage, Line: `slaacaddr: -valid -1h0m0s is negative; give the advertised valid lifetime, such as 720h`},
		{Name: "negative preferred", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-preferred", "-1s", "-for", "1h"}, Status: cli.ExitUsage, Line: `slaacaddr: -preferred -1s is negative; give the advertised preferred lifetime, such as 24h (the default)`},
		// A deprecated prefix, or one preferred no longer than
		// REGEN_ADVANCE, forms no temporary address: the run would print
		// nothing.
		{Name: "zero preferred", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "720h", "-preferred", "0", "-for", "72h"}, Status: cli.ExitUsage, Line: `slaacaddr: -preferred 0s forms no temporary address (RFC 8981 section 3.4 forms one only with a preferred lifetime above REGEN_ADVANCE, 5s); give a longer one, such as 24h (the default)`},
		{Name: "preferred at REGEN_ADVANCE", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "720h", "-preferred", "5s", "-for", "72h", "-profile", "linux"}, Status: cli.ExitUsage, Line: `slaacaddr: -preferred 5s forms no temporary address (RFC 8981 section 3.4 forms one only with a preferred lifetime above REGEN_ADVANCE, 5s); give a longer one, such as 24h (the default)`},
		{Name: "valid at REGEN_ADVANCE, default preferred", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "5s", "-for", "72h"}, Status: cli.ExitUsage, Line: `slaacaddr: -valid 5s forms no temporary address (RFC 8981 section 3.4 forms one only with a preferred lifetime above REGEN_ADVANCE, 5s); give a longer one, such as 720h`},
		{Name: "negative for", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-for", "-1h"}, Status: cli.ExitUsage, Line: `slaacaddr: -for -1h0m0s is negative; give the span to simulate, such as 72h`},
		{Name: "negative ra-interval", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-for", "1h", "-ra-interval", "-1m"}, Status: cli.ExitUsage, Line: `slaacaddr: -ra-interval -1m0s is negative; give how often the router re-advertises, such as 10m (0: once)`},
		{Name: "preferred above valid", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-preferred", "2h", "-for", "1h"}, Status: cli.ExitUsage, Line: `slaacaddr: -preferred 2h0m0s exceeds -valid 1h0m0s; give a preferred lifetime no longer than the valid one (RFC 4862 section 5.5.3 c)`},
		// A nanosecond interval spun for days; so did a million RAs.
		{Name: "ra-interval 1ns", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-for", "1h", "-ra-interval", "1ns"}, Status: cli.ExitUsage, Line: `slaacaddr: -ra-interval 1ns is below 1s; give how often the router re-advertises, such as 10m (RFC 4861 routers wait at least 3s), or leave it out for one RA`},
		{Name: "ra-interval 999ms", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-for", "1h", "-ra-interval", "999ms"}, Status: cli.ExitUsage, Line: `slaacaddr: -ra-interval 999ms is below 1s; give how often the router re-advertises, such as 10m (RFC 4861 routers wait at least 3s), or leave it out for one RA`},
		{Name: "too many RAs", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-for", "8760h", "-ra-interval", "1s"}, Status: cli.ExitUsage, Line: `slaacaddr: -for 8760h0m0s with -ra-interval 1s simulates 31536000 RAs; give at most 1000000, with a longer -ra-interval or a shorter -for`},
		{Name: "one RA too many", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-for", "1000000001ms", "-ra-interval", "1s"}, Status: cli.ExitUsage, Line: `slaacaddr: -for 277h46m40.001s with -ra-interval 1s simulates 1000001 RAs; give at most 1000000, with a longer -ra-interval or a shorter -for`},
		{Name: "valid beyond infinity", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1200000h", "-for", "1h"}, Status: cli.ExitUsage, Line: `slaacaddr: -valid 1200000h0m0s is beyond a Prefix Information lifetime; give at most 1193046h28m15s (infinity)`},
		{Name: "bad duration", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1x", "-for", "1h"}, Status: cli.ExitUsage, Line: `slaacaddr: -valid "1x": not a duration; give one such as 30s, 5m or 1h`},
		{Name: "unknown profile", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-for", "1h", "-profile", "bsd"}, Status: cli.ExitUsage, Line: `slaacaddr: -profile "bsd" is unknown; give rfc8981 or linux`},
		{Name: "bad start", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-for", "1h", "-start", "yesterday"}, Status: cli.ExitUsage, Line: `slaacaddr: -start "yesterday" is not an RFC 3339 time; give one such as 2026-01-01T00:00:00Z`},
		// Year 9999 failed in MarshalJSON (exit 1), year 0 printed nothing.
		{Name: "start year 9999", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "720h", "-for", "72h", "-start", "9999-12-31T23:59:59Z", "-json"}, Status: cli.ExitUsage, Line: `slaacaddr: -start 9999-12-31T23:59:59Z is outside 1970-01-01 to 9000-01-01; give a time in that range, such as 2026-01-01T00:00:00Z`},
		{Name: "start year 0", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "720h", "-for", "72h", "-start", "0000-01-01T00:00:00Z"}, Status: cli.ExitUsage, Line: `slaacaddr: -start 0000-01-01T00:00:00Z is outside 1970-01-01 to 9000-01-01; give a time in that range, such as 2026-01-01T00:00:00Z`},
		{Name: "start before 1970 by an offset", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "720h", "-for", "72h", "-start", "1970-01-01T00:00:00+01:00"}, Status: cli.ExitUsage, Line: `slaacaddr: -start 1970-01-01T00:00:00+01:00 is outside 1970-01-01 to 9000-01-01; give a time in that range, such as 2026-01-01T00:00:00Z`},
		{Name: "linklocal and prefix", Args: []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-linklocal", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -linklocal and -prefix exclude each other; give -prefix for a global address or -linklocal for fe80::/64`},
		{Name: "temporary linklocal", Args: []string{"-mode", "temporary", "-linklocal", "-valid", "1h", "-for", "1h"}, Status: cli.ExitUsage, Line: `slaacaddr: -linklocal does not apply to -mode temporary (RFC 8981 temporary addresses are global); drop it`},
		{Name: "temporary dad", Args: []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-for", "1h", "-dad", "1"}, Status: cli.ExitUsage, Line: `slaacaddr: -dad does not apply to -mode temporary (DAD failures are not simulated); drop it`},
		{Name: "flag of another mode", Args: []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-secret", "::1", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -secret does not apply to -mode eui64; drop it (slaacaddr -h lists each mode's flags)`},
		{Name: "temporary flag in stable mode", Args: []string{"-mode", "linux", "-secret", "::1", "-prefix", "2001:db8::/64", "-valid", "1h"}, Status: cli.ExitUsage, Line: `slaacaddr: -valid does not apply to -mode linux; drop it (slaacaddr -h lists each mode's flags)`},
		{Name: "uuid and stable-type", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-uuid", "u", "-stable-type", "uuid", "-network-id", "x", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -uuid and -stable-type/-network-id exclude each other; give -uuid [-stable-id TEMPLATE] or -stable-type TYPE -network-id ID`},
		{Name: "two host ids", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-host-id-hex", "00", "-uuid", "u", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -mode nm needs exactly one of -host-id, -host-id-hex, -secret-key; give -secret-key /var/lib/NetworkManager/secret_key (a copy) with -machine-id`},
		{Name: "key and machine-id", Args: []string{"-mode", "systemd", "-ifname", "eth0", "-mac", "00:16:3e:65:2b:99", "-key", "86b123b969ba4b7eb8b3d8605123525a", "-machine-id", "0123456789abcdef0123456789abcdef", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -key and -machine-id exclude each other; give -key for Token=prefixstable:PREFIX,SECRET or -machine-id without a secret`},
		{Name: "machine-id without secret-key", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-machine-id", "0123456789abcdef0123456789abcdef", "-uuid", "u", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -machine-id is hashed with -secret-key; give -secret-key too, or drop -machine-id`},
		{Name: "stable-id without uuid", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-stable-type", "uuid", "-network-id", "x", "-stable-id", "s", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -stable-id needs -uuid (its ${CONNECTION}); give -uuid too`},
		{Name: "random stable type", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-stable-type", "random", "-network-id", "x", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -stable-type "random" is not predictable; give uuid, stable-id or generated`},
		{Name: "random stable-id", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-uuid", "u", "-stable-id", "${RANDOM}", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -stable-id "${RANDOM}" contains ${RANDOM}, a new random ID on each activation, which cannot be predicted; give a template without it`},
		{Name: "bad nm version", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-uuid", "u", "-nm-version", "new", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -nm-version "new" is not a version; give MAJOR.MINOR such as 1.42`},
		// No address is an answer, said once (it read "no address: no
		// address can be generated: …").
		{Name: "systemd reserved prefix", Args: []string{"-mode", "systemd", "-ifname", "eth0", "-mac", "00:16:3e:65:2b:99", "-key", "86b123b969ba4b7eb8b3d8605123525a", "-prefix", "200:5eff:fe00::/64"}, Status: cli.ExitOK, Stdout: "no address: systemd-networkd rejects every address in 200:5eff:fe00::/64 (its reserved-range test covers the prefix)\n"},
		// -ifname holds to docs/cli.md's interface names, as -i does.
		{Name: "ifname too long", Args: []string{"-mode", "nm", "-ifname", "a-very-long-ifnam", "-host-id", "k", "-uuid", "u", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -ifname: interface name "a-very-long-ifnam" is 17 bytes; Linux takes at most 15`},
		{Name: "ifname with slash", Args: []string{"-mode", "nm", "-ifname", "eth0/1", "-host-id", "k", "-uuid", "u", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -ifname: interface name "eth0/1" has '/', ':' or white space; Linux refuses those`},
		{Name: "ifname with colon", Args: []string{"-mode", "systemd", "-ifname", "eth0:1", "-mac", "00:16:3e:65:2b:99", "-key", "86b123b969ba4b7eb8b3d8605123525a", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -ifname: interface name "eth0:1" has '/', ':' or white space; Linux refuses those`},
		{Name: "ifname with space", Args: []string{"-mode", "systemd", "-linklocal", "-ifname", "eth 0", "-machine-id", "0123456789abcdef0123456789abcdef"}, Status: cli.ExitUsage, Line: `slaacaddr: -ifname: interface name "eth 0" has '/', ':' or white space; Linux refuses those`},
		// A multicast prefix gave a multicast address; host bits were
		// masked silently.
		{Name: "prefix multicast", Args: []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "ff02::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix ff02::/64 is multicast; SLAAC forms unicast addresses, give a unicast /64 such as 2001:db8:1:2::/64`},
		{Name: "temporary prefix multicast", Args: []string{"-mode", "temporary", "-prefix", "ff0e:db8::/64", "-valid", "1h", "-for", "1h"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix ff0e:db8::/64 is multicast; SLAAC forms unicast addresses, give a unicast /64 such as 2001:db8:1:2::/64`},
		{Name: "prefix host bits", Args: []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "2001:db8::1/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix 2001:db8::1/64 has host bits set; give the prefix, 2001:db8::/64`},
		// -nm-version: only NetworkManager 1.x with connection.stable-id.
		{Name: "nm version 1.0", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-uuid", "u", "-stable-id", "${CONNECTION}", "-nm-version", "1.0", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -nm-version "1.0" is not a NetworkManager 1.x from 1.4 on (when connection.stable-id came); give the predicted host's version: the rules differ for 1.42 and older, 1.44, and 1.46 and newer`},
		{Name: "nm version 9.99", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-uuid", "u", "-stable-id", "${CONNECTION}", "-nm-version", "9.99", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -nm-version "9.99" is not a NetworkManager 1.x from 1.4 on (when connection.stable-id came); give the predicted host's version: the rules differ for 1.42 and older, 1.44, and 1.46 and newer`},
		{Name: "nm version 1.3 without stable-id", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-uuid", "u", "-nm-version", "1.3", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -nm-version "1.3" is not a NetworkManager 1.x from 1.4 on (when connection.stable-id came); give the predicted host's version: the rules differ for 1.42 and older, 1.44, and 1.46 and newer`},
		{Name: "nm version 1", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-uuid", "u", "-nm-version", "1", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -nm-version "1" is not a version; give MAJOR.MINOR such as 1.42`},
		// ${BOOT} without -boot-id hashed an empty boot ID.
		{Name: "BOOT without boot-id", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-uuid", "u", "-stable-id", "${BOOT}", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -stable-id "${BOOT}" uses ${BOOT}; give -boot-id, the predicted host's /proc/sys/kernel/random/boot_id (it changes at each boot)`},
		{Name: "BOOT in a template without boot-id", Args: []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-uuid", "u", "-stable-id", "${CONNECTION}-${BOOT}", "-linklocal"}, Status: cli.ExitUsage, Line: `slaacaddr: -stable-id "${CONNECTION}-${BOOT}" uses ${BOOT}; give -boot-id, the predicted host's /proc/sys/kernel/random/boot_id (it changes at each boot)`},
		{Name: "missing secret key file", Args: []string{"-mode", "nm", "-ifname", "eth0", "-secret-key", "/nonexistent/secret_key", "-uuid", "u", "-prefix", "2001:db8::/64"}, Status: cli.ExitFailure, Line: `slaacaddr: secret key file "/nonexistent/secret_key": no such file or directory`},
	})
}

// TestJSONKeys pins the -json keys of every output shape (see Help).
func TestJSONKeys(t *testing.T) {
	for _, tt := range []struct{ golden, args string }{
		{"eui64.golden", "-mode eui64 -mac 00:16:3e:65:2b:99 -prefix 2001:db8:8011:fd44::/64 -json"},
		{"linux-dad.golden", "-mode linux -byte-order little -secret 2001:db8::1 -permaddr 00:00:00:00:00:00 -prefix 2001:db8:1:2::/64 -dad 1 -json"},
		{"no-address.golden", "-mode systemd -ifname eth0 -mac 00:16:3e:65:2b:99 -key 86b123b969ba4b7eb8b3d8605123525a -prefix 200:5eff:fe00::/64 -json"},
		{"temporary.golden", "-mode temporary -prefix 2001:db8:1:2::/64 -valid 720h -preferred 24h -profile linux -for 60h -ra-interval 12h -start 2026-01-01T00:00:00Z -seed 1 -json"},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			r := clitest.Run(t, Command, strings.Fields(tt.args)...)
			if r.Status != 0 {
				t.Fatalf("exit %d: %s", r.Status, r.Stderr)
			}
			clitest.Golden(t, filepath.Join("testdata", tt.golden), []byte(r.Stdout))
		})
	}
}

// TestHelpDocumentsJSONKeys: every key the golden files hold is in -h.
func TestHelpDocumentsJSONKeys(t *testing.T) {
	clitest.Documented(t, clitest.Help(t, Command), "mode", "address", "iid", "dad_counter", "no_address", "time", "offset", "event", "preferred_until", "valid_until", "desync")
}

// TestClosedStdoutIsQuiet runs `slaacaddr … | head -1` for real: the
// reader goes away and the program must end with status 0 and nothing on
// stderr, not "write /dev/stdout: broken pipe" and status 1.
func TestClosedStdoutIsQuiet(t *testing.T) {
	for _, args := range [][]string{
		{"-mode", "temporary", "-prefix", "2001:db8:1:2::/64", "-valid", "720h", "-preferred", "2h", "-for", "8760h", "-ra-interval", "1m"},
		{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "2001:db8::/64"},
	} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		r.Close() // head has gone before the first write
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "SLAACADDR_TEST_MAIN=1")
		var errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = w, &errb
		err = cmd.Run()
		w.Close()
		if errors.Is(err, syscall.ENOEXEC) {
			t.Skipf("cannot run the test binary again (%v): an emulator without binfmt_misc", err)
		}
		if err != nil || errb.Len() > 0 {
			var ee *exec.ExitError
			if errorsAs(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled() {
				t.Errorf("%v: killed by %v", args[:2], ee.Sys().(syscall.WaitStatus).Signal())
			}
			t.Errorf("%v into a closed pipe: %v, stderr %q; want status 0 and silence", args[:2], err, errb.String())
		}
	}
}

func errorsAs(err error, target **exec.ExitError) bool {
	e, ok := err.(*exec.ExitError)
	if ok {
		*target = e
	}
	return ok
}
