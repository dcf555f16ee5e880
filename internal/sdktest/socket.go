package sdktest

import (
	"net"
	"path/filepath"
	"testing"
)

// DeadSocket makes a unix socket file in dir that nobody listens on any
// more, so connecting to it is refused (a daemon that died), and returns
// its path.
func DeadSocket(t testing.TB, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "dead.socket")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	return path
}
