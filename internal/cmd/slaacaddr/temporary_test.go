package slaacaddr

import (
	"strings"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/clitest"
)

// TestTemporaryDefaultPreferred: without -preferred the prefix is
// advertised preferred for 24 hours (RFC 8981's TEMP_PREFERRED_LIFETIME),
// or for -valid when that is shorter, instead of 0, which formed no
// address and printed nothing.
func TestTemporaryDefaultPreferred(t *testing.T) {
	base := "-mode temporary -prefix 2001:db8:1:2::/64 -for 72h -seed 1 -start 2026-01-01T00:00:00Z"
	for _, tt := range []struct{ without, with string }{
		{"-valid 720h", "-valid 720h -preferred 24h"},
		{"-valid 3h", "-valid 3h -preferred 3h"},
	} {
		got := clitest.Run(t, Command, strings.Fields(base+" "+tt.without)...)
		want := clitest.Run(t, Command, strings.Fields(base+" "+tt.with)...)
		if got.Status != 0 || got.Stderr != "" || !strings.HasPrefix(got.Stdout, "+0s        created ") {
			t.Errorf("%s: exit %d, stderr %q, stdout %q; want a created address at +0s", tt.without, got.Status, got.Stderr, got.Stdout)
		}
		if got.Stdout != want.Stdout {
			t.Errorf("%s printed\n%s\n%s printed\n%s", tt.without, got.Stdout, tt.with, want.Stdout)
		}
	}
	if h := clitest.Help(t, Command); !strings.Contains(h, "default 24h") {
		t.Error("-h does not say -preferred's default")
	}
}

// TestTemporaryBounds: the edges of -ra-interval, the RA count and -start
// are accepted; the table of bad inputs holds what lies past them.
func TestTemporaryBounds(t *testing.T) {
	// Exactly a million RAs is allowed; checked without simulating them,
	// which would take seconds under -race or an emulator.
	o := Options{Mode: "temporary", Prefix: "2001:db8:1:2::/64", Valid: 720 * time.Hour, For: 1_000_000 * time.Second, RAInterval: time.Second}
	if _, _, _, err := checkTemporary(o); err != nil || ras(o.For, o.RAInterval) != maxRAs {
		t.Errorf("a million RAs: %v (%d RAs)", err, ras(o.For, o.RAInterval))
	}
	base := "-mode temporary -prefix 2001:db8:1:2::/64 -valid 720h -seed 1 -json "
	for _, args := range []string{
		"-for 72h -start 1970-01-01T00:00:00Z",
		"-for 72h -start 9000-01-01T00:00:00Z",
		"-for 2562047h -start 9000-01-01T00:00:00Z", // the longest -for
	} {
		r := clitest.Run(t, Command, strings.Fields(base+args)...)
		if r.Status != 0 || r.Stderr != "" || !strings.Contains(r.Stdout, `"event":"created"`) {
			t.Errorf("%s: exit %d, stderr %q, %d bytes out; want events", args, r.Status, r.Stderr, len(r.Stdout))
		}
	}
}
