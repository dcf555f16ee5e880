package slaacaddr

import (
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/clitest"
)

// TestValidationEdges: what lies just inside the checks of -ifname (Linux
// names in the Linux modes; anything in rfc7217),
// -nm-version and ${BOOT} is accepted (the table of bad inputs holds what
// lies outside).
func TestValidationEdges(t *testing.T) {
	nm := "-mode nm -ifname eth0 -host-id k -uuid u -prefix 2001:db8::/64 "
	for _, args := range []string{
		"-mode rfc7217 -secret 000102030405060708090a0b0c0d0e0f -ifname a-very-long-ifn -prefix 2001:db8::/64", // 15 bytes
		// RFC 7217's Net_Iface is any stable identifier: a MAC, colons and all.
		"-mode rfc7217 -secret 000102030405060708090a0b0c0d0e0f -ifname 00:16:3e:65:2b:99 -prefix 2001:db8::/64",
		"-mode nm -ifname a-very-long-ifn -host-id k -uuid u -prefix 2001:db8::/64", // 15 bytes
		nm + "-stable-id ${CONNECTION} -nm-version 1.4",
		nm + "-stable-id ${CONNECTION} -nm-version 1.46.0-1",
		nm + "-stable-id ${BOOT} -boot-id 4c1b9e2a-5f3d-4e8b-9a7c-2d6e1f0b3a59",
		nm + "-stable-id $${BOOT}", // escaped: a plain stable-id, no boot ID hashed
		"-mode eui64 -mac 00:16:3e:65:2b:99 -prefix fd00:db8::/64",
	} {
		r := clitest.Run(t, Command, strings.Fields(args)...)
		if r.Status != 0 || r.Stderr != "" || r.Stdout == "" {
			t.Errorf("%s: exit %d, stderr %q, stdout %q", args, r.Status, r.Stderr, r.Stdout)
		}
	}
}
