package v6onlyprobe

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/internal/labtest"
)

// TestNoOfferOnARealLink: on a link without a DHCPv4 server the program
// prints a no-offer report, in -json too, and exits 0.
func TestNoOfferOnARealLink(t *testing.T) {
	l := labtest.New(t)
	_, cliNS := labtest.Pair(t, l, "srv", "cli")
	for _, tt := range []struct {
		args  []string
		check func(string) bool
	}{
		{[]string{"-i", "eth0", "-json", "-timeout", "2s", "-ra-wait", "200ms"}, func(out string) bool {
			var rep Report
			return json.Unmarshal([]byte(out), &rep) == nil && rep.Outcome == OutcomeNoOffer && rep.Server == ""
		}},
		{[]string{"-i", "eth0", "-timeout", "1s", "-ra-wait", "200ms"}, func(out string) bool {
			return strings.HasPrefix(out, "server:     none (no DHCPv4 OFFER within 1s)\n")
		}},
	} {
		var r clitest.Result
		if err := cliNS.Run(func() error {
			r = clitest.Run(t, Command, tt.args...)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if r.Status != 0 || r.Stderr != "" || !tt.check(r.Stdout) {
			t.Errorf("v6only-probe %q: status %d, stderr %q, stdout %q", tt.args, r.Status, r.Stderr, r.Stdout)
		}
	}
}
