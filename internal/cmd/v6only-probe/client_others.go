//go:build !linux

package v6onlyprobe

import (
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/v6kit/v6kit/dhcpv4opt108"
)

// newClient is the one OS-touching function of the probe: here it returns
// an error wrapping errors.ErrUnsupported.
func newClient(ifname string, timeout time.Duration) (dhcpv4opt108.Discoverer, func() error, error) {
	return nil, nil, fmt.Errorf("interface %q: probing %w on %s/%s (nclient4 builds on Linux only)", ifname, errors.ErrUnsupported, runtime.GOOS, runtime.GOARCH)
}

func isNoResponse(error) bool { return false }
