package slaac

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// AddrGenMode is the Linux kernel's net.ipv6.conf.IF.addr_gen_mode
// (IN6_ADDR_GEN_MODE_*).
type AddrGenMode uint8

// The kernel's address generation modes.
const (
	// AddrGenEUI64 (0): modified EUI-64 of the current MAC.
	AddrGenEUI64 AddrGenMode = 0
	// AddrGenNone (1): no link-local address; global SLAAC addresses are
	// still formed with EUI-64.
	AddrGenNone AddrGenMode = 1
	// AddrGenStablePrivacy (2): [Linux] with stable_secret (the
	// interface's, else the default one). The kernel refuses the mode
	// (EINVAL) while neither secret is set.
	AddrGenStablePrivacy AddrGenMode = 2
	// AddrGenRandom (3): [Linux] with a random stable_secret the kernel
	// draws when it first needs one (readable back from the sysctl).
	AddrGenRandom AddrGenMode = 3
)

func (m AddrGenMode) String() string {
	switch m {
	case AddrGenEUI64:
		return "eui64"
	case AddrGenNone:
		return "none"
	case AddrGenStablePrivacy:
		return "stable-privacy"
	case AddrGenRandom:
		return "random"
	}
	return "AddrGenMode(" + strconv.Itoa(int(m)) + ")"
}

// KernelConf is what the Linux kernel uses to form the addresses of one
// interface: its net.ipv6.conf.IF sysctls, the default stable_secret it
// falls back to, net.ipv6.idgen_retries and the neighbour RetransTimer.
type KernelConf struct {
	// AddrGenMode is addr_gen_mode.
	AddrGenMode AddrGenMode
	// Secret is the stable_secret the kernel hashes: the interface's, or
	// when that is unset, net.ipv6.conf.default.stable_secret's.
	Secret [16]byte
	// SecretFrom names the sysctl Secret came from
	// ("net.ipv6.conf.eth0.stable_secret" or
	// "net.ipv6.conf.default.stable_secret"); "" when neither is set
	// (reading an unset secret fails with EIO).
	SecretFrom string
	// IDGenRetries is net.ipv6.idgen_retries (default 3).
	IDGenRetries int
	// DADTransmits is dad_transmits (default 1).
	DADTransmits int
	// AcceptRA is accept_ra; Autoconf is autoconf (SLAAC on or off);
	// Forwarding is forwarding (a router ignores RAs unless accept_ra
	// is 2).
	AcceptRA, Forwarding int
	Autoconf             bool
	// UseTempAddr is use_tempaddr: >0 forms temporary addresses, >1
	// prefers them.
	UseTempAddr int
	// TempValidLft, TempPreferredLft, MaxDesyncFactor and
	// RegenMinAdvance are temp_valid_lft, temp_prefered_lft,
	// max_desync_factor and regen_min_advance (absent before Linux 6.10:
	// 2 s then). RegenMaxRetry is regen_max_retry.
	TempValidLft, TempPreferredLft, MaxDesyncFactor, RegenMinAdvance time.Duration
	RegenMaxRetry                                                    int
	// RetransTime is net.ipv6.neigh.IF.retrans_time_ms (RetransTimer).
	RetransTime time.Duration
}

// kernelDefaults are the kernel's defaults, for sysctls a caller did not
// give.
var kernelDefaults = map[string]string{
	"addr_gen_mode":     "0",
	"idgen_retries":     "3",
	"dad_transmits":     "1",
	"accept_ra":         "1",
	"forwarding":        "0",
	"autoconf":          "1",
	"use_tempaddr":      "0",
	"temp_valid_lft":    "604800",
	"temp_prefered_lft": "86400",
	"max_desync_factor": "600",
	"regen_min_advance": "2",
	"regen_max_retry":   "3",
	"retrans_time_ms":   "1000",
}

// KernelSysctls lists the names [ParseKernelConf] reads: the files of
// /proc/sys/net/ipv6/conf/IF, and "default/stable_secret",
// "idgen_retries" (net.ipv6) and "retrans_time_ms" (net.ipv6.neigh.IF).
var KernelSysctls = []string{
	"addr_gen_mode", "stable_secret", "default/stable_secret", "idgen_retries", "dad_transmits",
	"accept_ra", "forwarding", "autoconf", "use_tempaddr", "temp_valid_lft", "temp_prefered_lft",
	"max_desync_factor", "regen_min_advance", "regen_max_retry", "retrans_time_ms",
}

// AcceptsRA reports whether the kernel processes router advertisements on
// the interface: accept_ra 1 on a host, 2 also when forwarding
// (net/ipv6/ndisc.c ipv6_accept_ra).
func (c KernelConf) AcceptsRA() bool {
	return c.AcceptRA == 2 || c.AcceptRA == 1 && c.Forwarding == 0
}

// ParseKernelConf builds the configuration of interface ifname from the
// sysctl values read (name → contents, see [KernelSysctls]; a trailing
// newline is fine). A missing name takes the kernel's default; a
// stable_secret that is missing or empty is unset (the kernel answers EIO
// to reading an unset one). A value that does not parse is a *ParseError
// of type "sysctl NAME".
func ParseKernelConf(ifname string, sysctls map[string]string) (KernelConf, error) {
	var c KernelConf
	get := func(name string) string {
		if v, ok := sysctls[name]; ok {
			return strings.TrimRight(v, "\n")
		}
		return kernelDefaults[name]
	}
	num := func(name string, lo, hi int) (int, error) {
		s := get(name)
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			off := 0
			if i := firstBad(s, func(c byte) bool { return '0' <= c && c <= '9' || c == '-' }); i >= 0 {
				off = i
			}
			return 0, &ParseError{Type: "sysctl " + name, Offset: off, Err: errSyntax("slaac: %q: want an integer from %d to %d", s, lo, hi)}
		}
		return n, nil
	}
	const maxInt32 = 1<<31 - 1
	var err error
	var n int
	if n, err = num("addr_gen_mode", 0, 3); err != nil {
		return c, err
	}
	c.AddrGenMode = AddrGenMode(n)
	for _, s := range []struct {
		name string
		p    *int
		lo   int
	}{
		{"idgen_retries", &c.IDGenRetries, 0}, {"dad_transmits", &c.DADTransmits, 0}, {"accept_ra", &c.AcceptRA, -maxInt32 - 1}, {"forwarding", &c.Forwarding, -maxInt32 - 1},
		{"use_tempaddr", &c.UseTempAddr, -maxInt32 - 1}, {"regen_max_retry", &c.RegenMaxRetry, -maxInt32 - 1},
	} {
		if *s.p, err = num(s.name, s.lo, maxInt32); err != nil {
			return c, err
		}
	}
	if n, err = num("autoconf", -maxInt32-1, maxInt32); err != nil {
		return c, err
	}
	c.Autoconf = n != 0
	for _, s := range []struct {
		name string
		p    *time.Duration
		unit time.Duration
	}{
		{"temp_valid_lft", &c.TempValidLft, time.Second}, {"temp_prefered_lft", &c.TempPreferredLft, time.Second},
		{"max_desync_factor", &c.MaxDesyncFactor, time.Second}, {"regen_min_advance", &c.RegenMinAdvance, time.Second},
		{"retrans_time_ms", &c.RetransTime, time.Millisecond},
	} {
		if n, err = num(s.name, 0, maxInt32); err != nil {
			return c, err
		}
		*s.p = time.Duration(n) * s.unit
	}
	for _, s := range []struct{ key, name string }{
		{"stable_secret", "net.ipv6.conf." + ifname + ".stable_secret"},
		{"default/stable_secret", "net.ipv6.conf.default.stable_secret"},
	} {
		v := strings.TrimRight(sysctls[s.key], "\n")
		if v == "" {
			continue
		}
		secret, err := ParseLinuxSecret(v)
		if err != nil {
			err.(*ParseError).Type = "sysctl " + s.key
			return c, err
		}
		c.Secret, c.SecretFrom = secret, s.name
		break
	}
	return c, nil
}

// Sysctls returns c as the sysctl values ParseKernelConf reads back to c
// (a secret from the default sysctl is given as "default/stable_secret").
func (c KernelConf) Sysctls() map[string]string {
	m := map[string]string{
		"addr_gen_mode":     strconv.Itoa(int(c.AddrGenMode)),
		"idgen_retries":     strconv.Itoa(c.IDGenRetries),
		"dad_transmits":     strconv.Itoa(c.DADTransmits),
		"accept_ra":         strconv.Itoa(c.AcceptRA),
		"forwarding":        strconv.Itoa(c.Forwarding),
		"autoconf":          "0",
		"use_tempaddr":      strconv.Itoa(c.UseTempAddr),
		"temp_valid_lft":    strconv.Itoa(int(c.TempValidLft / time.Second)),
		"temp_prefered_lft": strconv.Itoa(int(c.TempPreferredLft / time.Second)),
		"max_desync_factor": strconv.Itoa(int(c.MaxDesyncFactor / time.Second)),
		"regen_min_advance": strconv.Itoa(int(c.RegenMinAdvance / time.Second)),
		"regen_max_retry":   strconv.Itoa(c.RegenMaxRetry),
		"retrans_time_ms":   strconv.Itoa(int(c.RetransTime / time.Millisecond)),
	}
	if c.Autoconf {
		m["autoconf"] = "1"
	}
	if c.SecretFrom != "" {
		key := "stable_secret"
		if strings.HasPrefix(c.SecretFrom, "net.ipv6.conf.default.") {
			key = "default/stable_secret"
		}
		m[key] = netip.AddrFrom16(c.Secret).String() + "\n"
	}
	return m
}

// TempProfile returns the RFC 8981 parameters the kernel uses for the
// interface's temporary addresses, and whether it forms them at all
// (use_tempaddr > 0). REGEN_ADVANCE is regen_min_advance +
// regen_max_retry × dad_transmits × RetransTimer, as
// net/ipv6/addrconf.c computes it; DESYNC_FACTOR is drawn once per
// interface.
func (c KernelConf) TempProfile() (TempProfile, bool) {
	p := LinuxProfile()
	p.ValidLifetime = c.TempValidLft
	p.PreferredLifetime = c.TempPreferredLft
	p.MaxDesyncFactor = c.MaxDesyncFactor
	p.IDGenRetries = max(c.RegenMaxRetry, 0)
	// The kernel counts in whole seconds (… * RetransTimer / HZ), and
	// RetransTimer is at least HZ/100.
	retrans := max(c.RetransTime, 10*time.Millisecond)
	p.RegenAdvance = c.RegenMinAdvance + (time.Duration(max(c.RegenMaxRetry, 0)*max(c.DADTransmits, 0)) * retrans).Truncate(time.Second)
	return p, c.UseTempAddr > 0
}
