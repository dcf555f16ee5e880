package v6onlyserver

import (
	"syscall"
	"testing"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/internal/sdktest"
)

// TestUnprivilegedSaysWhatToDo runs the program as nobody: the runtime
// errors name the object and the capability or the way out.
func TestUnprivilegedSaysWhatToDo(t *testing.T) {
	sdktest.RequireRoot(t) // to become nobody
	bin := clitest.Build(t, "github.com/v6kit/v6kit/examples/v6only-server")
	nobody := &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	clitest.BadInputsBinary(t, bin, nobody, Command, []clitest.BadInput{
		{Args: []string{"-i", "lo", "-range", "127.0.0.10-127.0.0.20", "-leases", ""}, Status: 1,
			Line: `v6only-server: interface "lo": listening on UDP port 67 needs CAP_NET_BIND_SERVICE and CAP_NET_RAW: run as root or setcap cap_net_bind_service,cap_net_raw+ep`},
		{Args: []string{"-i", "lo", "-range", "127.0.0.10-127.0.0.20", "-leases", "/root/v6kit-test/leases"}, Status: 1,
			Line: `v6only-server: lease file "/root/v6kit-test/leases": mkdir /root/v6kit-test: permission denied; run as root or give -leases FILE in a directory you can write`},
	})
}
