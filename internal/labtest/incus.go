//go:build linux

package labtest

import (
	"testing"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/sdktest"
)

// StartIncus is l.StartIncus for tests: it skips (or fails under
// V6KIT_REQUIRE_PEERS=1) without Debian's incusd and incus, and fails on
// error.
func StartIncus(t testing.TB, l *lab.Lab) *lab.Incus {
	t.Helper()
	sdktest.RequireCommands(t, lab.IncusDaemon, "incus")
	x, err := l.StartIncus()
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// RunIncus is x.Run for tests, with a generous deadline (RunLXD: the two
// daemons are one lab type); it fails t on error.
func RunIncus(t testing.TB, x *lab.Incus, stdin string, name string, args ...string) string {
	t.Helper()
	return RunLXD(t, x, stdin, name, args...)
}

// StartContainerDaemon is StartLXD or StartIncus by name ("lxd" or
// "incus"), for tests that run the same table against both daemons.
func StartContainerDaemon(t testing.TB, l *lab.Lab, kind string) *lab.ContainerDaemon {
	t.Helper()
	switch kind {
	case "lxd":
		return StartLXD(t, l)
	case "incus":
		return StartIncus(t, l)
	}
	t.Fatalf("labtest: no container daemon %q; give lxd or incus", kind)
	return nil
}
