//go:build !linux

package dhcpv4opt108

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// Conn is what Acquire needs of a DHCPv4 client. On Linux it also has
// nclient4's RequestFromOffer; nclient4 does not build elsewhere.
type Conn interface {
	Discoverer
}

// Acquire is implemented on Linux only, where nclient4 builds; use [Probe]
// and [Decide] elsewhere. Here it returns an error wrapping
// [errors.ErrUnsupported].
func Acquire(ctx context.Context, c Conn, capable bool, modifiers ...dhcpv4.Modifier) (Result, error) {
	return Result{}, unsupported("Acquire")
}

// unsupported is the one error of every OS-touching function on this
// platform.
func unsupported(what string) error {
	return fmt.Errorf("dhcpv4opt108: %s: %w on %s/%s (nclient4 builds on Linux only)", what, errors.ErrUnsupported, runtime.GOOS, runtime.GOARCH)
}
