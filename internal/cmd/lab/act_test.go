//go:build linux

package labcmd

import (
	"context"
	"errors"
	"strings"
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
	report(&b, false, r)
	want := "✔ predict     0.25s  18 of 18\n    a line\n    next: go run ./examples/slaacaddr\n"
	if b.String() != want {
		t.Errorf("text report:\n%q\nwant\n%q", b.String(), want)
	}
	b.Reset()
	r.OK, r.Err = false, errors.New("went wrong")
	r.Details["error"] = r.Err.Error()
	report(&b, true, r)
	if !strings.HasPrefix(b.String(), `{"act":"predict","ok":false,"seconds":0.25,"details":{`) || !strings.Contains(b.String(), `"error":"went wrong"`) {
		t.Errorf("JSON report %s", b.String())
	}
}
