package ripng

import (
	"net/netip"
	"sync"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// subscribe sends the link and IPv6 address changes of the caller's
// namespace to events until done is closed, then closes events.
func subscribe(done <-chan struct{}, events chan<- ifEvent, fail func(error)) error {
	links := make(chan netlink.LinkUpdate, 64)
	addrs := make(chan netlink.AddrUpdate, 64)
	if err := netlink.LinkSubscribeWithOptions(links, done, netlink.LinkSubscribeOptions{ErrorCallback: fail, ReceiveBufferSize: 1 << 20}); err != nil {
		return err
	}
	if err := netlink.AddrSubscribeWithOptions(addrs, done, netlink.AddrSubscribeOptions{ErrorCallback: fail, ReceiveBufferSize: 1 << 20}); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for u := range links {
			up := u.Header.Type == unix.RTM_NEWLINK && u.Flags&unix.IFF_UP != 0 && u.Flags&unix.IFF_LOWER_UP != 0
			events <- ifEvent{index: int(u.Index), link: true, ok: up}
		}
	})
	wg.Go(func() {
		for u := range addrs {
			a, ok := netip.AddrFromSlice(u.LinkAddress.IP)
			if !ok || !a.Is6() || a.Is4In6() {
				continue
			}
			usable := u.NewAddr && u.Flags&(unix.IFA_F_TENTATIVE|unix.IFA_F_DADFAILED) == 0
			events <- ifEvent{index: u.LinkIndex, addr: a, ok: usable}
		}
	})
	go func() {
		wg.Wait()
		close(events)
	}()
	return nil
}
