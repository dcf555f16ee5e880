package slaac_test

import (
	"encoding/json"
	"net/netip"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/internal/cmd/slaacaddr"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/sdktest"
)

// buildSlaacaddr builds the slaacaddr program for readHost.
func buildSlaacaddr(t *testing.T) string {
	t.Helper()
	sdktest.RequireRoot(t) // the interop tests that use it need root anyway
	sdktest.RequireCommands(t, "nsenter")
	return clitest.Build(t, "github.com/v6kit/v6kit/examples/slaacaddr")
}

// readHost runs `slaacaddr -i eth0 -json ARGS` as a process inside the
// daemon's network and mount namespaces (nsenter), so the program reads the
// host the way that daemon sees it — its /run, /etc/machine-id, state
// directory — at their usual paths, and returns its lines.
func readHost(t *testing.T, bin string, d *lab.Daemon, args ...string) []slaacaddr.HostResult {
	t.Helper()
	cmd := exec.Command("nsenter", append([]string{"-t", strconv.Itoa(d.PID()), "-m", "-n", bin, "-i", "eth0", "-json"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("slaacaddr -i eth0 %v in %s's namespaces: %v\n%s", args, d.Name, err, out)
	}
	var rs []slaacaddr.HostResult
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var r slaacaddr.HostResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("slaacaddr printed %q: %v", line, err)
		}
		rs = append(rs, r)
	}
	return rs
}

// checkHostRead holds slaacaddr -i to the address the daemon formed.
func checkHostRead(t *testing.T, bin string, d *lab.Daemon, manager, rule string, want netip.Addr, args ...string) {
	t.Helper()
	rs := readHost(t, bin, d, args...)
	if len(rs) != 1 || rs[0].Address != want.String() || !rs[0].Present || rs[0].Manager != manager || rs[0].Rule != rule {
		t.Errorf("slaacaddr -i eth0 %v read %+v; want %s by %s (%s), present", args, rs, want, manager, rule)
		return
	}
	t.Logf("PREDICTION manager=%s rule=%s source=%q predicted=%s matched=true", manager, rule, rs[0].Source, rs[0].Address)
}
