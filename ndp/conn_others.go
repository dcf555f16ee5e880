//go:build !linux

package ndp

import (
	"context"
	"net"
	"time"
)

// SolicitRouters is implemented on Linux only.
func SolicitRouters(ctx context.Context, ifi *net.Interface, wait time.Duration) ([]Router, error) {
	return nil, ErrNotSupported
}
