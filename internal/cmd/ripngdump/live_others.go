//go:build !linux

package ripngdump

import (
	"context"
	"fmt"
	"runtime"
)

func live(ctx context.Context, ifname string, emit func(datagram) error) error {
	return fmt.Errorf("ripngdump: live capture is not supported on %s/%s; read a file with -r", runtime.GOOS, runtime.GOARCH)
}
