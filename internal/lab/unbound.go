//go:build linux

package lab

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// UnboundConfig is a DNS64 resolver for a lab: Debian's unbound with its
// dns64 module, answering from zones it holds as if it had fetched them
// from their authoritative servers (auth-zone with for-upstream), so that
// the dns64 module synthesises from them as from the internet. (Unbound's
// local-data would be answered before the module stack and never
// synthesised.)
type UnboundConfig struct {
	// Listen are the addresses it answers on, port 53.
	Listen []netip.Addr
	// DNS64Prefix is dns64-prefix; an invalid prefix runs unbound without
	// the dns64 module (a plain resolver: no synthesis).
	DNS64Prefix netip.Prefix
	// Records are the zones' A and AAAA records, by name ("a-only.example.").
	// The zone of each is its last two labels. ipv4only.arpa. with
	// 192.0.0.170 and 192.0.0.171 (RFC 8880) is added unless given.
	Records map[string][]netip.Addr
}

// StartUnbound writes the configuration and zone files into a directory of
// the lab and runs unbound in the foreground inside n, ready once it logs
// "start of service".
func (n *Netns) StartUnbound(name string, c UnboundConfig) (*Daemon, error) {
	dir, err := os.MkdirTemp(n.lab.Dir, name+"-")
	if err != nil {
		return nil, fmt.Errorf("lab: unbound: %w", err)
	}
	records := map[string][]netip.Addr{"ipv4only.arpa.": {netip.MustParseAddr("192.0.0.170"), netip.MustParseAddr("192.0.0.171")}}
	for k, v := range c.Records {
		records[k] = v
	}
	zones := map[string][]string{}
	for name, addrs := range records {
		labels := strings.Split(strings.TrimSuffix(name, "."), ".")
		zone := name
		if len(labels) > 2 {
			zone = strings.Join(labels[len(labels)-2:], ".") + "."
		}
		for _, a := range addrs {
			typ := "A"
			if a.Is6() {
				typ = "AAAA"
			}
			zones[zone] = append(zones[zone], fmt.Sprintf("%s 300 IN %s %s", name, typ, a))
		}
	}
	var conf strings.Builder
	fmt.Fprintf(&conf, "server:\n  port: 53\n  do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n  directory: %q\n  pidfile: %q\n",
		dir, filepath.Join(dir, "unbound.pid"))
	conf.WriteString("  use-syslog: no\n  logfile: \"\"\n  verbosity: 1\n  do-not-query-localhost: no\n  access-control: ::/0 allow\n  access-control: 0.0.0.0/0 allow\n")
	for _, a := range c.Listen {
		fmt.Fprintf(&conf, "  interface: %s\n", a)
	}
	if c.DNS64Prefix.IsValid() {
		fmt.Fprintf(&conf, "  module-config: \"dns64 iterator\"\n  dns64-prefix: %s\n", c.DNS64Prefix)
	} else {
		conf.WriteString("  module-config: \"iterator\"\n")
	}
	conf.WriteString("remote-control:\n  control-enable: no\n")
	names := make([]string, 0, len(zones))
	for z := range zones {
		names = append(names, z)
	}
	slices.Sort(names)
	for _, z := range names {
		file := filepath.Join(dir, z+"zone")
		body := fmt.Sprintf("$ORIGIN %s\n$TTL 300\n@ IN SOA ns.%s hostmaster.%s 1 3600 600 86400 300\n@ IN NS ns.%s\n%s\n",
			z, z, z, z, strings.Join(zones[z], "\n"))
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			return nil, fmt.Errorf("lab: unbound: %w", err)
		}
		fmt.Fprintf(&conf, "auth-zone:\n  name: %q\n  zonefile: %q\n  for-upstream: yes\n  for-downstream: no\n  fallback-enabled: no\n", z, file)
	}
	path := filepath.Join(dir, "unbound.conf")
	if err := os.WriteFile(path, []byte(conf.String()), 0o644); err != nil {
		return nil, fmt.Errorf("lab: unbound: %w", err)
	}
	return n.Start(DaemonSpec{
		Name: name,
		Args: []string{"unbound", "-d", "-c", path},
		Ready: func(d *Daemon) (bool, error) {
			return strings.Contains(d.Log(), "start of service"), nil
		},
	})
}
