package ripng

import (
	"testing"

	"github.com/v6kit/v6kit/internal/sdktest"
)

// TestListenLoopback: the loopback never has a link-local address, so
// Listen says that and what to pick instead, rather than to bring it up
// with IPv6 enabled (which cannot help). No socket opens: it needs no
// privileges.
func TestListenLoopback(t *testing.T) {
	c, err := Listen("lo")
	if err == nil {
		c.Close()
		t.Fatal("Listen(lo) = nil error")
	}
	sdktest.SkipBrokenNetlink(t, err.Error()) // make cross: QEMU on mips cannot look lo up
	const want = `ripng: interface "lo" is the loopback, which has no link-local address; RIPng runs on links with link-local addresses, so pick a LAN or WAN interface`
	if err.Error() != want {
		t.Errorf("Listen(lo) = %v\nwant %s", err, want)
	}
}
