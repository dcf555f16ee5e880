//go:build !linux

package ripng

// KernelProtocol is the routing protocol number the kernel sync uses.
const KernelProtocol = 196

// KernelSync installs routes in the kernel; it is implemented on Linux only.
type KernelSync struct{}

var _ RouteSync = (*KernelSync)(nil)

// NewKernelSync is not supported outside Linux.
func NewKernelSync(protocol int) (*KernelSync, error) { return nil, errUnsupported() }

// Add is not supported outside Linux.
func (k *KernelSync) Add(r RouteInfo) error { return errUnsupported() }

// Delete is not supported outside Linux.
func (k *KernelSync) Delete(r RouteInfo) error { return errUnsupported() }

// Close does nothing.
func (k *KernelSync) Close() error { return nil }
