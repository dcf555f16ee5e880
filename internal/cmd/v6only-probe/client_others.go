//go:build !linux

package v6onlyprobe

import (
	"fmt"
	"runtime"
	"time"

	"github.com/v6kit/v6kit/dhcpv4opt108"
)

func newClient(ifname string, timeout time.Duration) (dhcpv4opt108.Discoverer, func() error, error) {
	return nil, nil, fmt.Errorf("probing is not supported on %s/%s (nclient4 builds on Linux only)", runtime.GOOS, runtime.GOARCH)
}

func isNoResponse(error) bool { return false }
