//go:build linux

package labcmd

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/sdktest"
)

// TestLabBreaks breaks the IPv6-only client's network each way -break
// knows and checks that the mostly-v6 act holds because the probe flags
// the break ✘ on its own line, and says what to fix there.
func TestLabBreaks(t *testing.T) {
	sdktest.RequireRoot(t)
	sdktest.RequireCommands(t, "unbound", "tayga")
	for brk, check := range Breaks {
		t.Run(brk, func(t *testing.T) {
			id := randomID(t)
			cleanupLab(t, id)
			var out bytes.Buffer
			if err := Run(context.Background(), Options{ID: id, JSON: true, Break: brk}, &out); err != nil {
				t.Fatalf("Run -break %s: %v\n%s", brk, err, out.String())
			}
			found := false
			for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				var r struct {
					Act     string `json:"act"`
					OK      bool   `json:"ok"`
					Details struct {
						Break string `json:"break"`
						Probe struct {
							Checks []struct {
								Check string `json:"check"`
								OK    bool   `json:"ok"`
								Text  string `json:"text"`
								Fix   string `json:"fix"`
							} `json:"checks"`
						} `json:"probe"`
					} `json:"details"`
				}
				if err := json.Unmarshal([]byte(line), &r); err != nil {
					t.Fatal(err)
				}
				if r.Act != "mostly-v6" {
					continue
				}
				found = true
				if !r.OK || r.Details.Break != brk {
					t.Errorf("mostly-v6 act: %s", line)
				}
				for _, c := range r.Details.Probe.Checks {
					if c.Check == check && (c.OK || c.Fix == "") {
						t.Errorf("-break %s: the %s line %+v, want ✘ with a fix", brk, check, c)
					}
					if c.Check == check {
						t.Logf("-break %s: ✘ %s: %s", brk, c.Check, c.Text)
					}
				}
			}
			if !found {
				t.Errorf("no mostly-v6 act in\n%s", out.String())
			}
			assertNothingLeft(t, id)
		})
	}
}
