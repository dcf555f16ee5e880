package v6disc

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/internal/sdktest"
)

// TestProgramEdgesLab runs the real binary in a namespace pair at the edges
// a user meets first: an interface without carrier, no CAP_NET_RAW, and a
// reader that closed the pipe (`v6disc | head -1`).
func TestProgramEdgesLab(t *testing.T) {
	l := labtest.New(t)
	a, b := labtest.Pair(t, l, "a", "b")
	sdktest.RequireCommands(t, "setpriv", "bash")
	bin := clitest.Build(t, "github.com/v6kit/v6kit/examples/v6disc") // nobody runs it too
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// run returns the exit status and the first line of stderr.
	run := func(name string, args ...string) (int, string) {
		t.Helper()
		cmd := a.Command(ctx, name, args...)
		var errb strings.Builder
		cmd.Stderr = &errb
		err := cmd.Run()
		var ee *exec.ExitError
		status := 0
		if errors.As(err, &ee) {
			status = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		line, _, _ := strings.Cut(errb.String(), "\n")
		return status, line
	}

	// Without privileges: the capability, and what to do.
	status, line := run("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", bin, "-i", "eth0")
	if want := `v6disc: interface "eth0": packet socket: operation not permitted; needs CAP_NET_RAW: run as root or setcap cap_net_raw+ep`; status != 1 || line != want {
		t.Errorf("unprivileged: status %d, %q\nwant 1, %q", status, line, want)
	}

	// The reader is gone before the first line: status 0, nothing on
	// stderr. b answers, so there is a line to write.
	if out, err := a.Output(ctx, bin, "-i", "eth0", "-timeout", "1s", "-q"); err != nil || !strings.Contains(string(out), "fe80::2%eth0") {
		t.Fatalf("v6disc found no host to print: %v\n%s", err, out)
	}
	status, line = run("bash", "-c", `"$0" -i eth0 -timeout 1s | true; exit "${PIPESTATUS[0]}"`, bin)
	if status != 0 || line != "" {
		t.Errorf("v6disc | true: status %d, stderr %q; want 0 and nothing", status, line)
	}

	// Last, as a link going down flushes b's addresses: the peer is down,
	// so a's eth0 has no carrier.
	if err := b.IP("link", "set", "eth0", "down"); err != nil {
		t.Fatal(err)
	}
	if err := waitCarrier(ctx, a, false); err != nil {
		t.Fatal(err)
	}
	status, line = run(bin, "-i", "eth0")
	if want := `v6disc: interface "eth0" has no carrier (cable unplugged or peer down); connect it, or pick another with -i`; status != 1 || line != want {
		t.Errorf("no carrier: status %d, %q\nwant 1, %q", status, line, want)
	}
}

// waitCarrier polls until a's eth0 has (or lacks) carrier.
func waitCarrier(ctx context.Context, a interface {
	Output(context.Context, string, ...string) ([]byte, error)
}, want bool) error {
	for {
		out, err := a.Output(ctx, "cat", "/sys/class/net/eth0/carrier")
		if err == nil && (strings.TrimSpace(string(out)) == "1") == want {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.New("carrier never changed")
		case <-time.After(10 * time.Millisecond):
		}
	}
}
