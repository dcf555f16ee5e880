// Package sdktest holds what every v6kit test shares: the rule for skipping
// privileged tests, and documentation-range fixtures (2001:db8::/32,
// 192.0.2.0/24).
//
// # Skipping
//
// A test that needs root, raw sockets, namespaces or a peer program calls
// [RequireRoot] or [RequireCommands] first. Normally they skip with the
// reason, so `go test ./...` passes anywhere. Under V6KIT_REQUIRE_PEERS=1
// (set by `make test`, and so by CI) they fail instead: CI can never pass by
// skipping the interop tier.
package sdktest

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// RequirePeersEnv is the environment variable that turns every skip of this
// package into a failure.
const RequirePeersEnv = "V6KIT_REQUIRE_PEERS"

// PeersRequired reports whether V6KIT_REQUIRE_PEERS asks for the interop
// tier to run in full.
func PeersRequired() bool {
	v := os.Getenv(RequirePeersEnv)
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

// Skip skips t with the reason, or fails it when PeersRequired.
func Skip(t testing.TB, format string, args ...any) {
	t.Helper()
	if PeersRequired() {
		t.Fatalf("%s=1 but the test cannot run: "+format, append([]any{RequirePeersEnv}, args...)...)
		return
	}
	t.Skipf(format, args...)
}

// RequireRoot skips (or fails, see [Skip]) unless the test runs as root on
// Linux: namespaces, raw sockets and netlink writes need it.
func RequireRoot(t testing.TB) {
	t.Helper()
	if !isLinux {
		Skip(t, "needs Linux network namespaces (GOOS is not linux)")
	} else if os.Geteuid() != 0 {
		Skip(t, "needs root (CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN for namespaces); run `sudo make test`")
	}
}

// RequireCommands skips (or fails) unless every named program is on PATH
// (or is an absolute path that exists). It returns their resolved paths in
// order. The reason names the Debian package installer that provides them.
func RequireCommands(t testing.TB, names ...string) []string {
	t.Helper()
	paths := make([]string, 0, len(names))
	var missing []string
	for _, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			missing = append(missing, n)
			continue
		}
		paths = append(paths, p)
	}
	if len(missing) > 0 {
		Skip(t, "peer program(s) %s not installed; run scripts/install-peers.sh as root", strings.Join(missing, ", "))
	}
	return paths
}

// SkipBrokenNetlink skips t when text shows QEMU user-mode emulation's
// broken netlink translation: on mips, net.Interfaces and InterfaceByName
// fail with "parsenetlinkrouteattr: invalid argument" (facebook/time#506),
// which no real kernel answers. make cross runs the tests there; the
// interface-facing ones then say why they did not run.
func SkipBrokenNetlink(t testing.TB, text string) {
	t.Helper()
	if strings.Contains(text, "parsenetlinkrouteattr: invalid argument") {
		t.Skip("QEMU user-mode netlink translation breaks net.Interfaces on this CPU (facebook/time#506): " + firstLine(text))
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
