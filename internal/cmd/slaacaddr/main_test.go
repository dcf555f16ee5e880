package slaacaddr

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/v6kit/v6kit/internal/cli"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

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
	tests := []struct {
		name   string
		args   []string
		status int
		line   string // the first line of stderr, exactly
	}{
		{"no mode", []string{"-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mode is required; give one of eui64, linux, nm, systemd, rfc7217, temporary`},
		{"unknown mode", []string{"-mode", "x", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mode "x" is unknown; give one of eui64, linux, nm, systemd, rfc7217, temporary`},
		{"unknown mode bsd", []string{"-mode", "bsd", "-mac", "00:16:3e:65:2b:99", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mode "bsd" is unknown; give one of eui64, linux, nm, systemd, rfc7217, temporary`},
		{"unknown flag", []string{"-mode", "eui64", "-foo"}, cli.ExitUsage, `slaacaddr: -foo: no such flag; see -h for the flags`},
		{"flag without value", []string{"-mode"}, cli.ExitUsage, `slaacaddr: -mode: needs a value`},
		{"dad not a number", []string{"-mode", "eui64", "-dad", "x"}, cli.ExitUsage, `slaacaddr: -dad "x": not a whole number; see -h`},
		{"stray argument", []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "2001:db8::/64", "eth0"}, cli.ExitUsage, `slaacaddr: unexpected argument "eth0"; every option is a flag (see slaacaddr -h)`},
		{"no prefix", []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99"}, cli.ExitUsage, `slaacaddr: -prefix is required; give a /64 such as 2001:db8:1:2::/64 (or -linklocal for fe80::/64)`},
		{"prefix not a prefix", []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "nope"}, cli.ExitUsage, `slaacaddr: -prefix "nope" is not a prefix; give a /64 such as 2001:db8:1:2::/64`},
		{"prefix address only", []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "2001:db8::1"}, cli.ExitUsage, `slaacaddr: -prefix "2001:db8::1" is not a prefix; give a /64 such as 2001:db8:1:2::/64`},
		{"prefix /48", []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "2001:db8::/48"}, cli.ExitUsage, `slaacaddr: -prefix 2001:db8::/48 is not an IPv6 /64; SLAAC forms addresses only in a /64 (RFC 4862), such as 2001:db8:1:2::/64`},
		{"prefix /128", []string{"-mode", "linux", "-secret", "::1", "-prefix", "2001:db8::1/128"}, cli.ExitUsage, `slaacaddr: -prefix 2001:db8::1/128 is not an IPv6 /64; SLAAC forms addresses only in a /64 (RFC 4862), such as 2001:db8:1:2::/64`},
		{"prefix IPv4", []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "192.0.2.0/24"}, cli.ExitUsage, `slaacaddr: -prefix 192.0.2.0/24 is not an IPv6 /64; SLAAC forms addresses only in a /64 (RFC 4862), such as 2001:db8:1:2::/64`},
		{"prefix IPv4-mapped", []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "::ffff:0:0/64"}, cli.ExitUsage, `slaacaddr: -prefix ::ffff:0:0/64 is not an IPv6 /64; SLAAC forms addresses only in a /64 (RFC 4862), such as 2001:db8:1:2::/64`},
		{"temporary prefix /56", []string{"-mode", "temporary", "-prefix", "2001:db8::/56", "-valid", "1h", "-for", "1h"}, cli.ExitUsage, `slaacaddr: -prefix 2001:db8::/56 is not an IPv6 /64; SLAAC forms addresses only in a /64 (RFC 4862), such as 2001:db8:1:2::/64`},
		{"bad mac", []string{"-mode", "eui64", "-mac", "zz", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mac "zz" is not a MAC; give one such as 00:16:3e:65:2b:99`},
		{"mac 5 bytes", []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mac "00:16:3e:65:2b" is not a MAC; give one such as 00:16:3e:65:2b:99`},
		{"mac 20 bytes", []string{"-mode", "eui64", "-mac", "00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mac 00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00 has 20 bytes; modified EUI-64 needs a 48-bit MAC or a 64-bit EUI-64`},
		{"systemd bad mac", []string{"-mode", "systemd", "-ifname", "eth0", "-mac", "1:2:3", "-key", "86b123b969ba4b7eb8b3d8605123525a", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mac "1:2:3" is not a MAC; give one such as 00:16:3e:65:2b:99`},
		{"linux bad permaddr", []string{"-mode", "linux", "-secret", "::1", "-permaddr", "nope", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -permaddr "nope" is not a MAC; give one such as 00:16:3e:65:2b:99`},
		{"linux bad secret", []string{"-mode", "linux", "-secret", "abc", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -secret "abc" is not an IPv6 literal; give the stable_secret as sysctl net.ipv6.conf.IF.stable_secret shows it, such as 2001:db8::1`},
		{"linux IPv4 secret", []string{"-mode", "linux", "-secret", "192.0.2.1", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -secret "192.0.2.1" is not an IPv6 literal; give the stable_secret as sysctl net.ipv6.conf.IF.stable_secret shows it, such as 2001:db8::1`},
		{"rfc7217 secret not hex", []string{"-mode", "rfc7217", "-secret", "zz", "-ifname", "eth0", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -secret "zz" is not hex; give the secret key as at least 32 hex digits (128 bits)`},
		{"rfc7217 short secret", []string{"-mode", "rfc7217", "-secret", "0001", "-ifname", "eth0", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -secret has 16 bits; RFC 7217 needs at least 128 (32 hex digits)`},
		{"systemd bad key", []string{"-mode", "systemd", "-ifname", "eth0", "-mac", "00:16:3e:65:2b:99", "-key", "00", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -key "00" is not 32 hex digits; give the SECRET of Token=prefixstable:PREFIX,SECRET`},
		{"nm host-id-hex not hex", []string{"-mode", "nm", "-ifname", "eth0", "-host-id-hex", "xyz", "-uuid", "u", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -host-id-hex "xyz" is not hex; give the host ID as hex digits`},
		{"bad machine id", []string{"-mode", "systemd", "-ifname", "eth0", "-mac", "00:16:3e:65:2b:99", "-machine-id", "1234", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -machine-id "1234" is not a machine ID; give the 32 hex digits of /etc/machine-id`},
		{"negative dad", []string{"-mode", "linux", "-secret", "::1", "-prefix", "2001:db8::/64", "-dad", "-1"}, cli.ExitUsage, `slaacaddr: -dad -1 is negative; give the number of DAD conflicts before this address (0 for the first)`},
		{"dad past linux retries", []string{"-mode", "linux", "-secret", "::1", "-prefix", "2001:db8::/64", "-dad", "4"}, cli.ExitUsage, `slaacaddr: -dad 4 is past the retries -mode linux makes (too many DAD conflicts (IDGEN_RETRIES exhausted): dad_count 4, idgen_retries 3); give a smaller -dad`},
		{"dad past nm retries", []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-uuid", "u", "-prefix", "2001:db8::/64", "-dad", "3"}, cli.ExitUsage, `slaacaddr: -dad 3 is past the retries -mode nm makes (too many DAD conflicts (IDGEN_RETRIES exhausted): NetworkManager tries DAD counters 0..2, got 3); give a smaller -dad`},
		{"eui64 dad", []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-prefix", "2001:db8::/64", "-dad", "1"}, cli.ExitUsage, `slaacaddr: -dad 1: a modified EUI-64 address has no DAD retry (a conflict leaves the interface without it); give -dad 0`},
		{"unknown byte order", []string{"-mode", "linux", "-secret", "::1", "-byte-order", "middle", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -byte-order "middle" is unknown; give big (ath79 MIPS routers, s390x, ppc64) or little (MT7621 mipsel, arm, x86), or leave it out for this host's`},
		{"byte order in eui64 mode", []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-byte-order", "big", "-prefix", "2001:db8::/64"}, cli.ExitUsage, "slaacaddr: -byte-order does not apply to -mode eui64; drop it (slaacaddr -h lists each mode's flags)"},
		{"negative idgen-retries", []string{"-mode", "linux", "-secret", "::1", "-prefix", "2001:db8::/64", "-idgen-retries", "-1"}, cli.ExitUsage, `slaacaddr: -idgen-retries -1 is negative; give net.ipv6.idgen_retries (default 3)`},
		{"eui64 without mac", []string{"-mode", "eui64", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mode eui64 needs -mac; give the interface's MAC such as 00:16:3e:65:2b:99`},
		{"linux without secret", []string{"-mode", "linux", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mode linux needs -secret; give the interface's stable_secret as sysctl shows it, such as 2001:db8::1`},
		{"nm without ifname", []string{"-mode", "nm", "-host-id", "k", "-uuid", "u", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mode nm needs -ifname; give the interface name NetworkManager hashes (its ${DEVICE})`},
		{"nm without host id", []string{"-mode", "nm", "-ifname", "eth0", "-uuid", "u", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mode nm needs exactly one of -host-id, -host-id-hex, -secret-key; give -secret-key /var/lib/NetworkManager/secret_key (a copy) with -machine-id`},
		{"nm without network id", []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mode nm needs a network ID; give -uuid UUID [-stable-id TEMPLATE] or -stable-type TYPE -network-id ID`},
		{"nm network-id without stable-type", []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-network-id", "x", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -stable-type and -network-id go together; give both, e.g. -stable-type uuid -network-id $(nmcli -g connection.uuid c show eth0)`},
		{"systemd without mac", []string{"-mode", "systemd", "-ifname", "eth0", "-key", "86b123b969ba4b7eb8b3d8605123525a", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mode systemd needs -ifname and -mac; give the interface name and its current MAC`},
		{"systemd without key", []string{"-mode", "systemd", "-ifname", "eth0", "-mac", "00:16:3e:65:2b:99", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mode systemd needs -key or -machine-id; give the Token=prefixstable secret or the 32 hex digits of /etc/machine-id`},
		{"systemd link-local without machine-id", []string{"-mode", "systemd", "-ifname", "eth0", "-linklocal"}, cli.ExitUsage, `slaacaddr: -mode systemd -linklocal needs -machine-id and -ifname; give the 32 hex digits of /etc/machine-id and the interface name`},
		{"rfc7217 without ifname", []string{"-mode", "rfc7217", "-secret", "000102030405060708090a0b0c0d0e0f", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mode rfc7217 needs -secret and -ifname; give the secret key in hex (at least 32 digits) and the interface name`},
		{"temporary without valid", []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-for", "1h"}, cli.ExitUsage, `slaacaddr: -mode temporary needs -valid; give the advertised valid lifetime of the prefix, such as 720h`},
		{"temporary without for", []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h"}, cli.ExitUsage, `slaacaddr: -mode temporary needs -for; give the span to simulate, such as 72h`},
		{"temporary without prefix", []string{"-mode", "temporary", "-valid", "1h", "-for", "1h"}, cli.ExitUsage, `slaacaddr: -prefix is required; give a /64 such as 2001:db8:1:2::/64 (or -linklocal for fe80::/64)`},
		{"negative valid", []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "-1h", "-for", "1h"}, cli.ExitUsage, `slaacaddr: -valid -1h0m0s is negative; give the advertised valid lifetime, such as 720h`},
		{"negative preferred", []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-preferred", "-1s", "-for", "1h"}, cli.ExitUsage, `slaacaddr: -preferred -1s is negative; give the advertised preferred lifetime, such as 168h (0: deprecated)`},
		{"negative for", []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-for", "-1h"}, cli.ExitUsage, `slaacaddr: -for -1h0m0s is negative; give the span to simulate, such as 72h`},
		{"negative ra-interval", []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-for", "1h", "-ra-interval", "-1m"}, cli.ExitUsage, `slaacaddr: -ra-interval -1m0s is negative; give how often the router re-advertises, such as 10m (0: once)`},
		{"preferred above valid", []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-preferred", "2h", "-for", "1h"}, cli.ExitUsage, `slaacaddr: -preferred 2h0m0s exceeds -valid 1h0m0s; give a preferred lifetime no longer than the valid one (RFC 4862 section 5.5.3 c)`},
		{"valid beyond infinity", []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1200000h", "-for", "1h"}, cli.ExitUsage, `slaacaddr: -valid 1200000h0m0s is beyond a Prefix Information lifetime; give at most 1193046h28m15s (infinity)`},
		{"bad duration", []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1x", "-for", "1h"}, cli.ExitUsage, `slaacaddr: -valid "1x": not a duration; give one such as 30s, 5m or 1h`},
		{"unknown profile", []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-for", "1h", "-profile", "bsd"}, cli.ExitUsage, `slaacaddr: -profile "bsd" is unknown; give rfc8981 or linux`},
		{"bad start", []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-for", "1h", "-start", "yesterday"}, cli.ExitUsage, `slaacaddr: -start "yesterday" is not an RFC 3339 time; give one such as 2026-01-01T00:00:00Z`},
		{"linklocal and prefix", []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-linklocal", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -linklocal and -prefix exclude each other; give -prefix for a global address or -linklocal for fe80::/64`},
		{"temporary linklocal", []string{"-mode", "temporary", "-linklocal", "-valid", "1h", "-for", "1h"}, cli.ExitUsage, `slaacaddr: -linklocal does not apply to -mode temporary (RFC 8981 temporary addresses are global); drop it`},
		{"temporary dad", []string{"-mode", "temporary", "-prefix", "2001:db8::/64", "-valid", "1h", "-for", "1h", "-dad", "1"}, cli.ExitUsage, `slaacaddr: -dad does not apply to -mode temporary (DAD failures are not simulated); drop it`},
		{"flag of another mode", []string{"-mode", "eui64", "-mac", "00:16:3e:65:2b:99", "-secret", "::1", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -secret does not apply to -mode eui64; drop it (slaacaddr -h lists each mode's flags)`},
		{"temporary flag in stable mode", []string{"-mode", "linux", "-secret", "::1", "-prefix", "2001:db8::/64", "-valid", "1h"}, cli.ExitUsage, `slaacaddr: -valid does not apply to -mode linux; drop it (slaacaddr -h lists each mode's flags)`},
		{"uuid and stable-type", []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-uuid", "u", "-stable-type", "uuid", "-network-id", "x", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -uuid and -stable-type/-network-id exclude each other; give -uuid [-stable-id TEMPLATE] or -stable-type TYPE -network-id ID`},
		{"two host ids", []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-host-id-hex", "00", "-uuid", "u", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -mode nm needs exactly one of -host-id, -host-id-hex, -secret-key; give -secret-key /var/lib/NetworkManager/secret_key (a copy) with -machine-id`},
		{"key and machine-id", []string{"-mode", "systemd", "-ifname", "eth0", "-mac", "00:16:3e:65:2b:99", "-key", "86b123b969ba4b7eb8b3d8605123525a", "-machine-id", "0123456789abcdef0123456789abcdef", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -key and -machine-id exclude each other; give -key for Token=prefixstable:PREFIX,SECRET or -machine-id without a secret`},
		{"machine-id without secret-key", []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-machine-id", "0123456789abcdef0123456789abcdef", "-uuid", "u", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -machine-id is hashed with -secret-key; give -secret-key too, or drop -machine-id`},
		{"stable-id without uuid", []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-stable-type", "uuid", "-network-id", "x", "-stable-id", "s", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -stable-id needs -uuid (its ${CONNECTION}); give -uuid too`},
		{"random stable type", []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-stable-type", "random", "-network-id", "x", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -stable-type "random" is not predictable; give uuid, stable-id or generated`},
		{"random stable-id", []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-uuid", "u", "-stable-id", "${RANDOM}", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -stable-id "${RANDOM}" contains ${RANDOM}, a new random ID on each activation, which cannot be predicted; give a template without it`},
		{"bad nm version", []string{"-mode", "nm", "-ifname", "eth0", "-host-id", "k", "-uuid", "u", "-nm-version", "new", "-prefix", "2001:db8::/64"}, cli.ExitUsage, `slaacaddr: -nm-version "new" is not a version; give MAJOR.MINOR such as 1.42`},
		{"missing secret key file", []string{"-mode", "nm", "-ifname", "eth0", "-secret-key", "/nonexistent/secret_key", "-uuid", "u", "-prefix", "2001:db8::/64"}, cli.ExitFailure, `slaacaddr: secret key file "/nonexistent/secret_key": no such file or directory`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := cli.Main(context.Background(), Command, tt.args, &out, &errb)
			line, rest, _ := strings.Cut(errb.String(), "\n")
			if got != tt.status || line != tt.line {
				t.Errorf("slaacaddr %s\nexit %d, stderr %q\nwant exit %d, %q", strings.Join(tt.args, " "), got, line, tt.status, tt.line)
			}
			if out.Len() > 0 {
				t.Errorf("stdout %q, want nothing", out.String())
			}
			if tt.status == cli.ExitUsage && rest != Command.Synopsis()+"\n" {
				t.Errorf("after the line stderr has %q, want the synopsis", rest)
			}
			if tt.status == cli.ExitFailure && rest != "" {
				t.Errorf("stderr has more than one line: %q", errb.String())
			}
		})
	}
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
			var out, errb bytes.Buffer
			if st := cli.Main(context.Background(), Command, strings.Fields(tt.args), &out, &errb); st != 0 {
				t.Fatalf("exit %d: %s", st, errb.String())
			}
			path := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if out.String() != string(want) {
				t.Errorf("slaacaddr %s\ngot\n%s\nwant (%s)\n%s", tt.args, out.String(), path, want)
			}
		})
	}
}

// TestHelpDocumentsJSONKeys: every key the golden files hold is in -h.
func TestHelpDocumentsJSONKeys(t *testing.T) {
	var out bytes.Buffer
	if st := cli.Main(context.Background(), Command, []string{"-h"}, &out, &out); st != 0 {
		t.Fatalf("-h exit %d", st)
	}
	for _, k := range []string{"mode", "address", "iid", "dad_counter", "no_address", "time", "offset", "event", "preferred_until", "valid_until", "desync"} {
		if !strings.Contains(out.String(), "\n  "+k+" ") {
			t.Errorf("-h does not document the -json key %q", k)
		}
	}
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
