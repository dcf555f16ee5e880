//go:build !linux

package ripngdump

import (
	"context"
	"errors"
	"fmt"
	"runtime"
)

func live(ctx context.Context, ifname string, emit func(datagram) error) error {
	return fmt.Errorf("live capture: %w on %s/%s; read a capture file with -r", errors.ErrUnsupported, runtime.GOOS, runtime.GOARCH)
}
