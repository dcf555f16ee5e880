package ripng

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// WatchInterfaces follows the kernel's view of s's interfaces, in the
// caller's network namespace, until ctx ends: [NewInterfaceWatcher], then
// [InterfaceWatcher.Run].
func WatchInterfaces(ctx context.Context, s *Speaker) error {
	w, err := NewInterfaceWatcher(s)
	if err != nil {
		return err
	}
	return w.Run(ctx)
}

// InterfaceWatcher follows link and address changes of a speaker's
// interfaces. When an interface loses its link or its link-local address,
// the routes learned there become unreachable; when both are back (the
// address no longer tentative), the speaker asks its neighbours there for
// their tables and sends its own (RFC 2080 §2.4.1). The interfaces must
// keep the link-local addresses their Conns were opened with.
type InterfaceWatcher struct {
	s       *Speaker
	f       *os.File
	byIndex map[int]*watchState
}

type watchState struct {
	name         string
	ll           netip.Addr
	linkOK, llOK bool
}

// NewInterfaceWatcher opens a netlink socket in the caller's network
// namespace (so it can be created on a thread inside a namespace and run
// from any goroutine) and looks the interfaces up there.
func NewInterfaceWatcher(s *Speaker) (*InterfaceWatcher, error) {
	byIndex := map[int]*watchState{}
	for _, i := range s.Interfaces() {
		ifi, err := net.InterfaceByName(i.Name)
		if err != nil {
			return nil, fmt.Errorf("ripng: watch: %w", err)
		}
		byIndex[ifi.Index] = &watchState{name: i.Name, ll: i.LinkLocal, linkOK: true, llOK: true}
	}
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC|unix.SOCK_NONBLOCK, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("ripng: watch: netlink: %w", err)
	}
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: unix.RTMGRP_LINK | unix.RTMGRP_IPV6_IFADDR}); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("ripng: watch: netlink bind: %w", err)
	}
	// An *os.File over a non-blocking fd reads through the runtime poller,
	// so Close (on ctx end) wakes a blocked Read.
	return &InterfaceWatcher{s: s, f: os.NewFile(uintptr(fd), "netlink"), byIndex: byIndex}, nil
}

// Run applies the changes until ctx ends, then closes the socket.
func (w *InterfaceWatcher) Run(ctx context.Context) error {
	f, s, byIndex := w.f, w.s, w.byIndex
	defer f.Close()
	stop := context.AfterFunc(ctx, func() { f.Close() })
	defer stop()
	buf := make([]byte, 1<<16)
	for {
		n, err := f.Read(buf)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, unix.ENOBUFS) {
				continue // missed events: the next ones bring us up to date
			}
			return fmt.Errorf("ripng: watch: %w", err)
		}
		msgs, err := syscall.ParseNetlinkMessage(buf[:n])
		if err != nil {
			continue
		}
		for _, m := range msgs {
			var st *watchState
			switch m.Header.Type {
			case unix.RTM_NEWLINK, unix.RTM_DELLINK:
				if len(m.Data) < unix.SizeofIfInfomsg {
					continue
				}
				idx := int(int32(binary.NativeEndian.Uint32(m.Data[4:8])))
				flags := binary.NativeEndian.Uint32(m.Data[8:12])
				if st = byIndex[idx]; st == nil {
					continue
				}
				st.linkOK = m.Header.Type == unix.RTM_NEWLINK && flags&unix.IFF_UP != 0 && flags&unix.IFF_LOWER_UP != 0
			case unix.RTM_NEWADDR, unix.RTM_DELADDR:
				if len(m.Data) < unix.SizeofIfAddrmsg || m.Data[0] != unix.AF_INET6 {
					continue
				}
				idx := int(binary.NativeEndian.Uint32(m.Data[4:8]))
				if st = byIndex[idx]; st == nil {
					continue
				}
				addr, aflags, ok := parseIfAddr(m.Data)
				if !ok || addr != st.ll {
					continue
				}
				st.llOK = m.Header.Type == unix.RTM_NEWADDR && aflags&(unix.IFA_F_TENTATIVE|unix.IFA_F_DADFAILED) == 0
			default:
				continue
			}
			s.SetInterfaceUp(st.name, st.linkOK && st.llOK)
		}
	}
}

// parseIfAddr returns an RTM_NEWADDR/DELADDR message's address and flags
// (IFA_FLAGS when present, which carries more than the header's byte).
func parseIfAddr(b []byte) (netip.Addr, uint32, bool) {
	flags := uint32(b[2])
	var addr netip.Addr
	attrs := b[unix.SizeofIfAddrmsg:]
	for len(attrs) >= 4 {
		l := int(binary.NativeEndian.Uint16(attrs[0:2]))
		typ := binary.NativeEndian.Uint16(attrs[2:4])
		if l < 4 || l > len(attrs) {
			break
		}
		v := attrs[4:l]
		switch typ {
		case unix.IFA_ADDRESS, unix.IFA_LOCAL:
			if a, ok := netip.AddrFromSlice(v); ok && !addr.IsValid() {
				addr = a
			}
		case unix.IFA_FLAGS:
			if len(v) >= 4 {
				flags = binary.NativeEndian.Uint32(v)
			}
		}
		attrs = attrs[min((l+3)&^3, len(attrs)):]
	}
	return addr, flags, addr.IsValid()
}
