package v6onlyprobe

import (
	"syscall"
	"testing"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/internal/sdktest"
)

// TestUnprivilegedSaysWhatToDo runs the program as nobody: it names the
// interface and the capability its raw socket needs.
func TestUnprivilegedSaysWhatToDo(t *testing.T) {
	sdktest.RequireRoot(t) // to become nobody
	bin := clitest.Build(t, "github.com/v6kit/v6kit/examples/v6only-probe")
	nobody := &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	const line = `v6only-probe: interface "lo": a raw socket needs CAP_NET_RAW: run as root or setcap cap_net_raw+ep`
	clitest.BadInputsBinary(t, bin, nobody, Command, []clitest.BadInput{
		{Args: []string{"-i", "lo", "-timeout", "1s"}, Status: 1, Line: line},
		{Args: []string{"-i", "lo", "-json"}, Status: 1, Line: line},
	})
}
