//go:build linux

package labcmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRunActCutsAHangingAct(t *testing.T) {
	hang := act{name: "hang", run: func(ctx context.Context, n *network, r *Result) error {
		select {} // ignores its context on purpose
	}}
	start := time.Now()
	r := runAct(context.Background(), hang, nil, 50*time.Millisecond)
	if r.OK || r.Err == nil || !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Fatalf("a hanging act: ok=%v err=%v, want cut with DeadlineExceeded", r.OK, r.Err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("cut after %v, want about the 50 ms deadline", d)
	}
}

func TestRunActTurnsPanicIntoFailure(t *testing.T) {
	boom := act{name: "boom", run: func(context.Context, *network, *Result) error { panic("kaboom") }}
	r := runAct(context.Background(), boom, nil, time.Second)
	if r.OK || r.Err == nil || !strings.Contains(r.Err.Error(), "kaboom") {
		t.Fatalf("a panicking act: ok=%v err=%v, want a failure naming the panic", r.OK, r.Err)
	}
	if r.Details["error"] == nil {
		t.Errorf("the error is missing from the JSON details: %v", r.Details)
	}
}

func TestReportFormats(t *testing.T) {
	r := Result{Act: "predict", OK: true, Seconds: 0.25, Details: map[string]any{"lines": []string{"a line"}},
		Summary: "18 of 18", Next: "go run ./examples/slaacaddr"}
	var b strings.Builder
	if err := report(&b, false, r); err != nil {
		t.Fatal(err)
	}
	want := "✔ predict     0.25s  18 of 18\n    a line\n    next: go run ./examples/slaacaddr\n"
	if b.String() != want {
		t.Errorf("text report:\n%q\nwant\n%q", b.String(), want)
	}
	b.Reset()
	r.OK, r.Err = false, errors.New("went wrong")
	r.Details["error"] = r.Err.Error()
	if err := report(&b, true, r); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), `{"act":"predict","ok":false,"seconds":0.25,"details":{`) || !strings.Contains(b.String(), `"error":"went wrong"`) {
		t.Errorf("JSON report %s", b.String())
	}
}

// TestRunActTimeoutLeavesTheActItsResult: an act that hangs past its
// deadline while still writing its Result must not share that Result (and
// its Details map) with the report runAct returns. Before the fix runAct
// wrote Details["error"] into the map the act was writing: a data race the
// race detector reports, and "concurrent map writes" that can crash the lab
// exactly when an act hangs.
func TestRunActTimeoutLeavesTheActItsResult(t *testing.T) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	busy := act{name: "busy", run: func(ctx context.Context, n *network, r *Result) error {
		defer wg.Done()
		for i := 0; ; i++ { // ignores its context on purpose
			select {
			case <-stop:
				return nil
			default:
			}
			r.Details[fmt.Sprint("k", i%8)] = i
			r.Summary = fmt.Sprint("step ", i)
		}
	}}
	r := runAct(context.Background(), busy, nil, 20*time.Millisecond)
	for i := range 1000 { // the lab reports while the act goes on
		r.Details["reported"] = i
		_ = r.Summary
	}
	close(stop)
	wg.Wait()
	if r.OK || !errors.Is(r.Err, context.DeadlineExceeded) || r.Details["error"] == nil {
		t.Fatalf("a hanging act: ok=%v err=%v details %v, want cut with DeadlineExceeded", r.OK, r.Err, r.Details)
	}
	if _, ok := r.Details["k0"]; ok {
		t.Errorf("the report shares the act's Details: %v", r.Details)
	}
}
