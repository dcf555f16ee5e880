package v6onlyserver

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

// buildProgram builds the real program for tests that run it as a process.
func buildProgram(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command builds the program under test: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "v6only-server")
	if out, err := exec.Command(goCmd, "build", "-o", bin, "github.com/v6kit/v6kit/examples/v6only-server").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for d := filepath.Dir(bin); d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil { // nobody runs it too
			t.Fatal(err)
		}
	}
	return bin
}

// TestUnprivilegedSaysWhatToDo runs the program as nobody: the runtime
// errors name the object and the capability or the way out.
func TestUnprivilegedSaysWhatToDo(t *testing.T) {
	sdktest.RequireRoot(t) // to become nobody
	bin := buildProgram(t)
	for _, tt := range []struct {
		args []string
		line string
	}{
		{[]string{"-i", "lo", "-range", "127.0.0.10-127.0.0.20", "-leases", ""},
			`v6only-server: interface "lo": listening on UDP port 67 needs CAP_NET_BIND_SERVICE and CAP_NET_RAW: run as root or setcap cap_net_bind_service,cap_net_raw+ep`},
		{[]string{"-i", "lo", "-range", "127.0.0.10-127.0.0.20", "-leases", "/root/v6kit-test/leases"},
			`v6only-server: lease file "/root/v6kit-test/leases": mkdir /root/v6kit-test: permission denied; run as root or give -leases FILE in a directory you can write`},
	} {
		cmd := exec.Command(bin, tt.args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		var ee *exec.ExitError
		line, _, _ := strings.Cut(errb.String(), "\n")
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || line != tt.line {
			t.Errorf("as nobody, v6only-server %q: %v, %q; want status 1 and %q", tt.args, err, line, tt.line)
		}
	}
}
