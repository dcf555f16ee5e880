//go:build !linux

package nat64

import (
	"errors"
	"fmt"
	"runtime"

	"golang.org/x/net/icmp"
)

// listenICMPv6 is the one OS-touching function of the package: here it
// returns an error wrapping errors.ErrUnsupported.
func listenICMPv6() (*icmp.PacketConn, error) {
	return nil, fmt.Errorf("raw ICMPv6 echo %w on %s/%s", errors.ErrUnsupported, runtime.GOOS, runtime.GOARCH)
}
