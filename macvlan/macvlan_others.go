//go:build !linux

package macvlan

import (
	"fmt"
	"runtime"
)

func dial() (netOps, error) {
	return nil, fmt.Errorf("%w on %s/%s (needs Linux netlink)", ErrNotSupported, runtime.GOOS, runtime.GOARCH)
}
