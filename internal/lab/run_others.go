//go:build !linux

package lab

import (
	"fmt"
	"runtime"
)

func supported() error {
	return fmt.Errorf("lab: network namespaces are not supported on %s/%s", runtime.GOOS, runtime.GOARCH)
}

// Run is not supported outside Linux.
func (n *Netns) Run(fn func() error) error { return supported() }
