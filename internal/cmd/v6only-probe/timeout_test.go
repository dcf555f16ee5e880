package v6onlyprobe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"testing"
	"testing/synctest"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/v6kit/v6kit/nat64"
	"github.com/v6kit/v6kit/ndp"
)

// silentClient is a link where nobody answers: DiscoverOffer blocks until
// its context ends.
type silentClient struct{}

func (silentClient) DiscoverOffer(ctx context.Context, _ ...dhcpv4.Modifier) (*dhcpv4.DHCPv4, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestRunWaitsExactlyTheTimeout: on a fake clock, the no-offer report comes
// after -timeout, not before and not after, and the RAs are collected for
// -ra-wait meanwhile.
func TestRunWaitsExactlyTheTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var raWait time.Duration
		rs := func(ctx context.Context, _ *net.Interface, wait time.Duration) ([]ndp.Router, error) {
			raWait = wait
			time.Sleep(wait)
			return []ndp.Router{goodRA}, nil
		}
		start := time.Now()
		var out bytes.Buffer
		o := Options{JSON: true, Timeout: 7 * time.Second, RAWait: 3 * time.Second, Client: silentClient{}, Routers: rs}
		(&fakeNet{dns64: nat64.WellKnownPrefix, up: true}).apply(&o)
		if err := Run(context.Background(), o, &out); err != nil {
			t.Fatal(err)
		}
		if el := time.Since(start); el != 7*time.Second {
			t.Errorf("no-offer report after %v, want the 7s timeout", el)
		}
		if raWait != 3*time.Second {
			t.Errorf("RAs collected for %v, want 3s", raWait)
		}
		var rep Report
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil || rep.Outcome != OutcomeNoOffer || len(rep.PREF64) != 1 {
			t.Errorf("report %s (%v)", out.String(), err)
		}
	})
}

// TestRunStoppedBySignal: a context cancelled while waiting (SIGINT) ends
// the probe with no verdict and context.Canceled, which cli.Main turns
// into "interrupted" and 130: a script must not read the silence as a
// result.
func TestRunStoppedBySignal(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(time.Second, cancel)
		var out bytes.Buffer
		err := Run(ctx, Options{Timeout: time.Minute, Client: silentClient{}, Routers: routers()}, &out)
		if !errors.Is(err, context.Canceled) || out.Len() > 0 {
			t.Errorf("Run = %v, output %q; want context.Canceled and no verdict", err, out.String())
		}
	})
}
