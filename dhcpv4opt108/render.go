package dhcpv4opt108

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrTarget reports a [Target] that Render does not know.
var ErrTarget = errors.New("dhcpv4opt108: unknown render target")

// Target names a configuration dialect [Render] writes.
type Target uint8

const (
	// Dnsmasq: dnsmasq's named form, "dhcp-option=option:ipv6-only,1800".
	Dnsmasq Target = iota + 1
	// DnsmasqNumeric: dnsmasq's numbered form with the value spelled as
	// four hex octets, "dhcp-option=108,00:00:07:08", which does not
	// depend on dnsmasq knowing the option's name or size. OpenWrt
	// users often write "108,0000i" instead: dnsmasq 2.90 sends that as
	// V6ONLY_WAIT 0, so clients wait MIN_V6ONLY_WAIT (300 s), not the
	// wait meant (the interop test pins this down).
	DnsmasqNumeric
	// OpenWrtUCI: /etc/config/dhcp, "list dhcp_option '108,00:00:07:08'"
	// in the LAN's dhcp section (OpenWrt's dnsmasq reads it as
	// DnsmasqNumeric).
	OpenWrtUCI
	// Kea: a Kea DHCPv4 option-data element,
	// {"name": "v6-only-preferred", "data": "1800"}.
	Kea
	// ISCDhcpd: ISC dhcpd 4.4, "option v6-only-preferred 1800;".
	ISCDhcpd
	// Networkd: systemd-networkd's DHCP server, "[DHCPServer]" with
	// "IPv6OnlyPreferredSec=1800" (systemd 253 and later; the value must
	// be at least 300 s).
	Networkd
	// NetworkdSendOption: the same for systemd 252 and older, which lack
	// IPv6OnlyPreferredSec=: "SendOption=108:uint32:1800". Beware:
	// networkd sends such an option to every client, asked or not (the
	// interop test shows it for systemd 252), which RFC 8925, Section 3.3
	// forbids; use it only where every client is IPv6-only-capable.
	NetworkdSendOption
	// Dhcpcd: a dhcpcd.conf line that makes dhcpcd ask for 108,
	// "option ipv6_only_preferred".
	Dhcpcd
	// Dhclient: a dhclient.conf line that makes dhclient ask for 108,
	// "also request v6-only-preferred;".
	Dhclient
)

var targetNames = [...]string{
	Dnsmasq:            "dnsmasq",
	DnsmasqNumeric:     "dnsmasq-numeric",
	OpenWrtUCI:         "openwrt-uci",
	Kea:                "kea",
	ISCDhcpd:           "isc-dhcpd",
	Networkd:           "networkd",
	NetworkdSendOption: "networkd-sendoption",
	Dhcpcd:             "dhcpcd",
	Dhclient:           "dhclient",
}

// Targets lists every target Render knows, in order.
func Targets() []Target {
	ts := make([]Target, 0, len(targetNames)-1)
	for t := Dnsmasq; int(t) < len(targetNames); t++ {
		ts = append(ts, t)
	}
	return ts
}

func (t Target) String() string {
	if t > 0 && int(t) < len(targetNames) {
		return targetNames[t]
	}
	return "Target(" + strconv.Itoa(int(t)) + ")"
}

// Render writes the configuration snippet that makes target send option 108
// with V6ONLY_WAIT wait (servers), or ask for it (clients: [Dhcpcd],
// [Dhclient], which ignore wait). Server snippets are lines to place in the
// scope the comment line names.
func Render(t Target, wait Option) ([]byte, error) {
	s := strconv.FormatUint(uint64(wait.Seconds), 10)
	var b strings.Builder
	switch t {
	case Dnsmasq:
		b.WriteString("# dnsmasq.conf: RFC 8925 IPv6-Only Preferred\n")
		b.WriteString("dhcp-option=option:ipv6-only," + s + "\n")
	case DnsmasqNumeric:
		b.WriteString("# dnsmasq.conf: RFC 8925 IPv6-Only Preferred (option 108, four octets)\n")
		b.WriteString("dhcp-option=108," + hexOctets(wait) + "\n")
	case OpenWrtUCI:
		b.WriteString("# /etc/config/dhcp, in the LAN's section: RFC 8925 IPv6-Only Preferred\n")
		b.WriteString("config dhcp 'lan'\n")
		b.WriteString("\tlist dhcp_option '108," + hexOctets(wait) + "'\n")
	case Kea:
		b.WriteString(`{ "name": "v6-only-preferred", "data": "` + s + `" }` + "\n")
	case ISCDhcpd:
		b.WriteString("# dhcpd.conf, in a subnet or global scope: RFC 8925 IPv6-Only Preferred\n")
		b.WriteString("option v6-only-preferred " + s + ";\n")
	case Networkd:
		if wait.Wait() < MinV6OnlyWait {
			return nil, fmt.Errorf("%w: systemd-networkd needs IPv6OnlyPreferredSec= of at least %d s, got %v", ErrRange, int(MinV6OnlyWait.Seconds()), wait)
		}
		b.WriteString("# .network file of the serving link (systemd 253 or later)\n")
		b.WriteString("[DHCPServer]\nIPv6OnlyPreferredSec=" + s + "\n")
	case NetworkdSendOption:
		b.WriteString("# .network file of the serving link (systemd 252 and older)\n")
		b.WriteString("[DHCPServer]\nSendOption=108:uint32:" + s + "\n")
	case Dhcpcd:
		b.WriteString("# dhcpcd.conf: ask for RFC 8925 IPv6-Only Preferred\n")
		b.WriteString("option ipv6_only_preferred\n")
	case Dhclient:
		b.WriteString("# dhclient.conf: ask for RFC 8925 IPv6-Only Preferred\n")
		b.WriteString("also request v6-only-preferred;\n")
	default:
		return nil, fmt.Errorf("%w: %v", ErrTarget, t)
	}
	return []byte(b.String()), nil
}

func hexOctets(o Option) string {
	const hex = "0123456789abcdef"
	v, _ := o.MarshalBinary()
	b := make([]byte, 0, 11)
	for i, x := range v {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hex[x>>4], hex[x&0xf])
	}
	return string(b)
}
