//go:build linux

package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/v6kit/v6kit/ndp"
	"github.com/v6kit/v6kit/slaac"
)

// The check's inputs: issue 16's example, whose big-endian answer the
// issue quotes from a MIPS router (…:3e98:b6d4:d5c6:158).
const (
	secretText = "2001:db8::1"
	prefixText = "2001:db8:1:2::/64"
	host       = "a" // forms addresses (stable privacy)
	router     = "b" // advertises the prefix
	waitFor    = 60 * time.Second
)

// runInit is the VM's /init: it runs the check, prints the verdict and
// powers off whatever happened.
func runInit() {
	start := time.Now()
	err := check()
	if err != nil {
		fmt.Printf("BIGENDIAN FAIL: %v\n", err)
	}
	fmt.Printf("bigendian: done in %v; powering off\n", time.Since(start).Round(time.Millisecond))
	os.Stdout.Sync()
	unix.Sync()
	if err := unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF); err != nil {
		fmt.Printf("bigendian: power off: %v\n", err)
	}
	select {}
}

func check() error {
	if err := unix.Mount("proc", "/proc", "proc", 0, ""); err != nil {
		return fmt.Errorf("mount /proc: %w", err)
	}
	if err := unix.Mount("sysfs", "/sys", "sysfs", 0, ""); err != nil {
		return fmt.Errorf("mount /sys: %w", err)
	}
	var uts unix.Utsname
	_ = unix.Uname(&uts)
	order := "little-endian"
	if binary.NativeEndian.Uint16([]byte{0, 1}) == 1 {
		order = "big-endian"
	}
	fmt.Printf("bigendian: kernel %s %s, GOARCH %s, %s CPU\n",
		unix.ByteSliceToString(uts.Release[:]), unix.ByteSliceToString(uts.Machine[:]), runtime.GOARCH, order)
	if err := loadVeth(); err != nil {
		return err
	}
	if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: host}, PeerName: router}); err != nil {
		return fmt.Errorf("create veth %s-%s: %w", host, router, err)
	}
	for _, s := range []struct{ ifname, key, val string }{
		{router, "accept_dad", "0"},
		{host, "stable_secret", secretText},
		{host, "addr_gen_mode", "2"},
	} {
		p := "/proc/sys/net/ipv6/conf/" + s.ifname + "/" + s.key
		if err := os.WriteFile(p, []byte(s.val), 0o644); err != nil {
			return fmt.Errorf("sysctl %s: %w", p, err)
		}
	}
	for _, name := range []string{router, host} {
		l, err := netlink.LinkByName(name)
		if err != nil {
			return fmt.Errorf("interface %q: %w", name, err)
		}
		if err := netlink.LinkSetUp(l); err != nil {
			return fmt.Errorf("interface %q up: %w", name, err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	stop, err := advertise(ctx)
	if err != nil {
		return err
	}
	defer stop()

	secret, err := slaac.ParseLinuxSecret(secretText)
	if err != nil {
		return err
	}
	prefix := netip.MustParsePrefix(prefixText)
	native, err := predict(slaac.Linux{Secret: secret}, prefix)
	if err != nil {
		return err
	}
	little, err := predict(slaac.Linux{Secret: secret, ByteOrder: binary.LittleEndian}, prefix)
	if err != nil {
		return err
	}
	got, err := formed(ctx, prefix)
	fmt.Printf("bigendian: secret %s prefix %s on veth %q (permanent address all zero)\n", secretText, prefixText, host)
	fmt.Printf("bigendian: kernel formed:                 %v\n", got)
	fmt.Printf("bigendian: slaac.Linux (ByteOrder nil):   %v\n", native)
	fmt.Printf("bigendian: slaac.Linux (LittleEndian):    %v\n", little)
	if err != nil {
		return err
	}
	if !slices.Equal(got, native) {
		return fmt.Errorf("kernel formed %v, slaac.Linux predicts %v", got, native)
	}
	if slices.Equal(got, little) {
		return fmt.Errorf("kernel formed the little-endian addresses %v: this is not a big-endian kernel", got)
	}
	fmt.Printf("BIGENDIAN PASS: %s kernel formed %v = slaac.Linux (ByteOrder nil); little-endian would be %v\n",
		runtime.GOARCH, got, little)
	return nil
}

// loadVeth loads /veth.ko unless veth is built in (or already loaded).
func loadVeth() error {
	if _, err := os.Stat("/sys/module/veth"); err == nil {
		return nil
	}
	f, err := os.Open("/veth.ko")
	if errors.Is(err, os.ErrNotExist) {
		return nil // built in, we hope: LinkAdd will say
	}
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.FinitModule(int(f.Fd()), "", 0); err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("finit_module veth.ko: %w", err)
	}
	fmt.Println("bigendian: loaded veth.ko")
	return nil
}

// advertise runs an ndp.Advertiser of the prefix on the router end once
// its link-local address is usable.
func advertise(ctx context.Context) (stop func(), err error) {
	ifi, err := net.InterfaceByName(router)
	if err != nil {
		return nil, fmt.Errorf("interface %q: %w", router, err)
	}
	cfg := ndp.AdvertiserConfig{
		MaxInterval: 4 * time.Second,
		Prefixes: []ndp.AdvertisedPrefix{{
			Prefix: netip.MustParsePrefix(prefixText), OnLink: true, Autonomous: true,
		}},
	}
	var adv *ndp.Advertiser
	for {
		adv, err = ndp.NewAdvertiser(ifi, cfg)
		if err == nil {
			break
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("advertiser on %q: %w", router, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- adv.Run(runCtx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			fmt.Printf("bigendian: advertiser: %v\n", err)
		}
		adv.Close()
	}, nil
}

// predict returns the link-local and global addresses g forms for prefix
// with DAD counter 0.
func predict(g slaac.Linux, prefix netip.Prefix) ([]netip.Addr, error) {
	ll, _, err := g.LinkLocal(0)
	if err != nil {
		return nil, err
	}
	iid, _, err := g.IID(prefix, 0)
	if err != nil {
		return nil, err
	}
	gl, err := slaac.Addr(prefix, iid)
	if err != nil {
		return nil, err
	}
	return []netip.Addr{ll, gl}, nil
}

// formed polls the host end until the kernel has formed a link-local and
// a global address in prefix, past DAD, and returns them in that order.
func formed(ctx context.Context, prefix netip.Prefix) ([]netip.Addr, error) {
	var seen []string
	for {
		l, err := netlink.LinkByName(host)
		if err != nil {
			return nil, err
		}
		addrs, err := netlink.AddrList(l, netlink.FAMILY_V6)
		if err != nil {
			return nil, err
		}
		var ll, gl netip.Addr
		seen = seen[:0]
		for _, a := range addrs {
			ip, ok := netip.AddrFromSlice(a.IP)
			if !ok {
				continue
			}
			seen = append(seen, fmt.Sprintf("%v flags %#x", ip, a.Flags))
			if a.Flags&(unix.IFA_F_TENTATIVE|unix.IFA_F_DADFAILED) != 0 {
				continue
			}
			switch {
			case ip.IsLinkLocalUnicast():
				ll = ip
			case prefix.Contains(ip):
				gl = ip
			}
		}
		if ll.IsValid() && gl.IsValid() {
			return []netip.Addr{ll, gl}, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("no link-local and global address on %q within %v; it has [%s]", host, waitFor, strings.Join(seen, ", "))
		case <-time.After(200 * time.Millisecond):
		}
	}
}
