// Package netx holds the edges of the operating system's network API that
// several v6kit packages share, written once: numeric zones, cancelling
// blocked reads, and interface lookups with errors a user can act on.
package netx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"
)

// Zone returns ifi's zone as its index ("2"), never its name. Go's net
// package caches interface names process-wide for 60 s whatever network
// namespace a thread is in, so a name-based zone can resolve to another
// namespace's interface; an index cannot.
func Zone(ifi *net.Interface) string { return strconv.Itoa(ifi.Index) }

// ByIndex returns a copy of ifi whose Name is its index, for APIs (x/net's
// ipv6.PacketConn, mdlayher/ndp) that resolve an interface by its name:
// see [Zone].
func ByIndex(ifi *net.Interface) *net.Interface {
	c := *ifi
	c.Name = Zone(ifi)
	return &c
}

// ReadDeadliner is a connection whose blocked reads a deadline ends.
type ReadDeadliner interface{ SetReadDeadline(time.Time) error }

// CancelReads ends c's blocked and future reads, with a deadline in the
// past, once ctx is done. Call the returned stop when reading is over.
func CancelReads(ctx context.Context, c ReadDeadliner) (stop func() bool) {
	return context.AfterFunc(ctx, func() { _ = c.SetReadDeadline(time.Unix(1, 0)) })
}

// IsTimeout reports whether err is a deadline that expired.
func IsTimeout(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }

// MaxNameLen is the longest interface name Linux takes (IFNAMSIZ - 1).
const MaxNameLen = 15

// CheckName returns an error unless name is one Linux takes for a link:
// 1–15 bytes, no '/', ':' or white space, not "." or "..". The message says
// what is wrong and what to do.
func CheckName(name string) error {
	switch {
	case name == "":
		return errors.New("interface name is empty; give a name such as eth0")
	case len(name) > MaxNameLen:
		return fmt.Errorf("interface name %q is %d bytes; Linux takes at most %d", name, len(name), MaxNameLen)
	case name == "." || name == "..":
		return fmt.Errorf("interface name %q is not allowed; give a name such as eth0", name)
	case strings.ContainsAny(name, "/: \t\n\r\v\f"):
		return fmt.Errorf("interface name %q has '/', ':' or white space; Linux refuses those", name)
	}
	return nil
}

// Interface looks an interface up by name, with an error that names it and
// says how to list the ones there are (instead of the net package's
// "route ip+net: no such network interface").
func Interface(name string) (*net.Interface, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		if strings.Contains(err.Error(), "no such network interface") {
			return nil, fmt.Errorf("interface %q not found; list them with 'ip link'", name)
		}
		return nil, fmt.Errorf("interface %q: %w", name, err)
	}
	return ifi, nil
}
