package slaac_test

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/cmd/slaacaddr"
)

// cliAddr runs the slaacaddr program with o and returns the address it
// prints, so the interop tests hold the command-line contract to the real
// systems too.
func cliAddr(t *testing.T, o slaacaddr.Options) netip.Addr {
	t.Helper()
	var out bytes.Buffer
	if err := slaacaddr.Run(context.Background(), o, &out); err != nil {
		t.Fatalf("slaacaddr %+v: %v", o, err)
	}
	a, err := netip.ParseAddr(strings.TrimSpace(out.String()))
	if err != nil {
		t.Fatalf("slaacaddr printed %q: %v", out.String(), err)
	}
	return a
}

func checkCLI(t *testing.T, want netip.Addr, o slaacaddr.Options) {
	t.Helper()
	if got := cliAddr(t, o); got != want {
		t.Errorf("slaacaddr -mode %s printed %v, the real system formed %v", o.Mode, got, want)
	}
}
