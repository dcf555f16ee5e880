//go:build !linux

package labcmd

import (
	"context"
	"fmt"
	"io"
	"runtime"
)

// Run needs Linux network namespaces; elsewhere it says so.
func Run(ctx context.Context, opts Options, stdout io.Writer) error {
	if err := check(opts); err != nil {
		return err
	}
	return fmt.Errorf("lab: needs Linux network namespaces, not %s/%s; try `go run ./examples/slaacaddr -mode eui64 -mac 00:16:3e:65:2b:99 -prefix 2001:db8:8011:fd44::/64`", runtime.GOOS, runtime.GOARCH)
}
