package v6onlyprobe

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/v6kit/v6kit/internal/sdktest"
)

// TestUnprivilegedSaysWhatToDo runs the program as nobody: it names the
// interface and the capability its raw socket needs.
func TestUnprivilegedSaysWhatToDo(t *testing.T) {
	sdktest.RequireRoot(t) // to become nobody
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command builds the program under test: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "v6only-probe")
	if out, err := exec.Command(goCmd, "build", "-o", bin, "github.com/v6kit/v6kit/examples/v6only-probe").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for d := filepath.Dir(bin); d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"-i", "lo", "-timeout", "1s"}, {"-i", "lo", "-json"}} {
		cmd := exec.Command(bin, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		line, _, _ := strings.Cut(errb.String(), "\n")
		want := `v6only-probe: interface "lo": a raw socket needs CAP_NET_RAW: run as root or setcap cap_net_raw+ep`
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || line != want || out.Len() > 0 {
			t.Errorf("as nobody, v6only-probe %q: %v, %q, stdout %q; want status 1 and %q", args, err, line, out.String(), want)
		}
	}
}
