//go:build linux

package labcmd

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/sdktest"
)

func randomID(t *testing.T) string {
	var b [4]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "t" + hex.EncodeToString(b[:])
}

// assertNothingLeft checks that no namespace of lab id remains.
func assertNothingLeft(t *testing.T, id string) {
	t.Helper()
	names, err := lab.Leftovers()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if strings.HasPrefix(n, lab.Prefix+id+"-") {
			t.Errorf("namespace %s of lab %s left behind", n, id)
		}
	}
	out, _ := exec.Command("ip", "-o", "link").CombinedOutput()
	if strings.Contains(string(out), id) {
		t.Errorf("root namespace links mention lab %s:\n%s", id, out)
	}
}

// cleanupLab removes lab id's namespaces should the test fail half-way.
func cleanupLab(t *testing.T, id string) {
	t.Cleanup(func() { _, _, _ = lab.RemoveLeftovers(id) })
}

func TestLabEndToEnd(t *testing.T) {
	sdktest.RequireRoot(t)
	id := randomID(t)
	cleanupLab(t, id)
	svg := filepath.Join(t.TempDir(), "lab.svg")
	var out bytes.Buffer
	err := Run(context.Background(), Options{ID: id, SVG: svg}, &out)
	t.Logf("lab output:\n%s", out.String())
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, a := range acts(nil, "", false) {
		if !strings.Contains(out.String(), "✔ "+a.name) {
			t.Errorf("act %s not reported ✔", a.name)
		}
	}
	if strings.Contains(out.String(), "✘") {
		t.Errorf("some check failed (✘ in the report)")
	}
	if !strings.Contains(out.String(), "18 of 18 addresses of 6 hosts predicted bit for bit") {
		t.Errorf("predict act did not match all 18 addresses")
	}
	assertNothingLeft(t, id)
	checkSVG(t, svg)
}

// checkSVG: well-formed XML, names every host, renders to a non-empty PNG.
func checkSVG(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
	}
	for _, h := range plannedHosts() {
		if !bytes.Contains(b, []byte(h.Role+" — ")) || !bytes.Contains(b, []byte(h.MAC.String())) {
			t.Errorf("SVG does not name host %s (%s)", h.Role, h.MAC)
		}
	}
	for _, role := range []string{"lxdhost", "container", "LAN router", "upstream router"} {
		if !bytes.Contains(b, []byte(role)) {
			t.Errorf("SVG does not name %s", role)
		}
	}
	rsvg := sdktest.RequireCommands(t, "rsvg-convert")[0]
	png := strings.TrimSuffix(path, ".svg") + ".png"
	if out, err := exec.Command(rsvg, "-o", png, path).CombinedOutput(); err != nil {
		t.Fatalf("rsvg-convert: %v\n%s", err, out)
	}
	st, err := os.Stat(png)
	if err != nil || st.Size() < 1000 {
		t.Fatalf("rendered PNG missing or tiny: %v %v", st, err)
	}
}

func TestLabPeersJSON(t *testing.T) {
	sdktest.RequireRoot(t)
	sdktest.RequireCommands(t, "radvd")
	id := randomID(t)
	cleanupLab(t, id)
	var out bytes.Buffer
	err := Run(context.Background(), Options{ID: id, Peers: true, JSON: true}, &out)
	if err != nil {
		t.Fatalf("Run -peers -json: %v\n%s", err, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	checkDetailsKeys(t, lines)
	if len(lines) != len(acts(nil, "", false)) {
		t.Fatalf("got %d JSON lines, want one per act (%d):\n%s", len(lines), len(acts(nil, "", false)), out.String())
	}
	for _, line := range lines {
		var r struct {
			Act     string         `json:"act"`
			OK      bool           `json:"ok"`
			Seconds float64        `json:"seconds"`
			Details map[string]any `json:"details"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %q is not JSON: %v", line, err)
		}
		if !r.OK || r.Act == "" || r.Seconds <= 0 || r.Details["summary"] == nil {
			t.Errorf("act %+v not ok or incomplete", r)
		}
		if r.Act == "predict" && !strings.Contains(r.Details["summary"].(string), "radvd") {
			t.Errorf("with -peers the RAs should come from radvd: %v", r.Details["summary"])
		}
	}
	assertNothingLeft(t, id)
}

func TestLabDownRemovesOnlyThatLab(t *testing.T) {
	sdktest.RequireRoot(t)
	mine, other := randomID(t), randomID(t)
	cleanupLab(t, mine)
	cleanupLab(t, other)
	dirs := map[string]string{}
	for _, id := range []string{mine, other} {
		l, err := lab.OpenID(id)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.Namespace("x"); err != nil {
			t.Fatal(err)
		}
		dirs[id] = l.Dir
		// Close is not called: this lab is "left behind".
	}
	t.Cleanup(func() { os.RemoveAll(dirs[other]) })
	var out bytes.Buffer
	if err := Run(context.Background(), Options{Down: true, ID: mine}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "removed "+lab.Prefix+mine+"-x") {
		t.Errorf("-down output %q does not name the removed namespace", out.String())
	}
	assertNothingLeft(t, mine)
	names, _ := lab.Leftovers()
	found := false
	for _, n := range names {
		found = found || n == lab.Prefix+other+"-x"
	}
	if !found {
		t.Errorf("-down -id %s removed another lab's namespace too", mine)
	}
	if _, err := os.Stat(dirs[mine]); !os.IsNotExist(err) {
		t.Errorf("-down left the lab's directory %s (err %v)", dirs[mine], err)
	}
	if _, err := os.Stat(dirs[other]); err != nil {
		t.Errorf("-down -id %s removed another lab's directory: %v", mine, err)
	}
}

// TestLabDownLeavesRunningLab: -down must not pull a running lab's
// namespaces from under it (a second terminal, a `make test` meanwhile):
// the lab program runs in another process while -down names it running
// and removes nothing; once that process is gone, -down removes what it
// left.
func TestLabDownLeavesRunningLab(t *testing.T) {
	sdktest.RequireRoot(t)
	bin := clitest.Build(t, "github.com/v6kit/v6kit/examples/lab")
	id := randomID(t)
	cleanupLab(t, id)
	cmd := exec.Command(bin, "-id", id, "-keep")
	var out lab.SyncBuffer // read while the lab writes, when it fails
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{}) // closed when the lab process has ended
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-done })
	// Wait until the lab has a namespace (poll, generous deadline).
	deadline := time.Now().Add(60 * time.Second)
	mine := func() []string {
		names, _ := lab.Leftovers()
		var m []string
		for _, n := range names {
			if strings.HasPrefix(n, lab.Prefix+id+"-") {
				m = append(m, n)
			}
		}
		return m
	}
	for len(mine()) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("lab %s made no namespace within 60 s:\n%s", id, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	var down bytes.Buffer
	if err := Run(context.Background(), Options{Down: true, ID: id}, &down); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("lab %s is running (pid %d): left alone", id, cmd.Process.Pid)
	if !strings.Contains(down.String(), want) || strings.Contains(down.String(), "removed") {
		t.Errorf("-down -id %s while the lab runs printed %q, want %q and nothing removed", id, down.String(), want)
	}
	if len(mine()) == 0 {
		t.Errorf("-down removed the running lab's namespaces")
	}
	// The lab ends (-keep leaves it up); now it is left behind.
	select {
	case <-done:
	case <-time.After(120 * time.Second):
		t.Fatalf("lab did not finish within 120 s:\n%s", out.String())
	}
	down.Reset()
	if err := Run(context.Background(), Options{Down: true, ID: id}, &down); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(down.String(), "removed "+lab.Prefix+id+"-") {
		t.Errorf("-down after the lab ended printed %q, want it to remove the kept lab", down.String())
	}
	assertNothingLeft(t, id)
}

// TestLabInterrupted sends SIGINT to the lab program at several moments
// and checks that nothing of it is left: no namespace, no process.
func TestLabInterrupted(t *testing.T) {
	sdktest.RequireRoot(t)
	bin := clitest.Build(t, "github.com/v6kit/v6kit/examples/lab")
	for _, after := range []time.Duration{0, 20 * time.Millisecond, 80 * time.Millisecond, 150 * time.Millisecond, 300 * time.Millisecond, 600 * time.Millisecond} {
		id := randomID(t)
		cleanupLab(t, id)
		cmd := exec.Command(bin, "-id", id)
		var out lab.SyncBuffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(after) // the moment of the interrupt is the test's input
		_ = cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			t.Fatalf("lab did not exit within 60 s of SIGINT (sent after %v):\n%s", after, out.String())
		}
		// Interrupted, it says so and exits 130 (docs/cli.md); a SIGINT
		// before Go's handler is in place kills it outright, as it would
		// any program, and it has made nothing yet.
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if code := cmd.ProcessState.ExitCode(); code != 130 && !(ws.Signaled() && ws.Signal() == syscall.SIGINT) {
			t.Errorf("SIGINT after %v: exit status %d, want 130:\n%s", after, code, out.String())
		} else if code == 130 && !strings.Contains(out.String(), "lab: interrupted by SIGINT before it was done") {
			t.Errorf("SIGINT after %v: no \"interrupted\" line:\n%s", after, out.String())
		}
		assertNothingLeft(t, id)
	}
}

// TestLabClosedPipe runs `lab | head -1`: when stdout goes away the lab
// must still tear everything down (SIGPIPE would kill it otherwise).
func TestLabClosedPipe(t *testing.T) {
	sdktest.RequireRoot(t)
	bin := clitest.Build(t, "github.com/v6kit/v6kit/examples/lab")
	id := randomID(t)
	cleanupLab(t, id)
	cmd := exec.Command(bin, "-id", id)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	first := make([]byte, 1)
	if _, err := io.ReadFull(stdout, first); err != nil {
		t.Fatalf("no output from lab: %v", err)
	}
	stdout.Close() // like head -1 exiting
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("lab did not exit within 60 s of losing its stdout")
	}
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("lab | head -1: exit status %d, want 0 (a closed stdout ends it quietly)", code)
	}
	assertNothingLeft(t, id)
}

func TestLabNotRootSaysWhatToDo(t *testing.T) {
	sdktest.RequireRoot(t) // to drop privileges we need them first
	setpriv := sdktest.RequireCommands(t, "setpriv")[0]
	bin := clitest.Build(t, "github.com/v6kit/v6kit/examples/lab")
	out, err := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin).CombinedOutput()
	if err == nil {
		t.Fatalf("lab as nobody succeeded:\n%s", out)
	}
	s := string(out)
	if strings.Count(strings.TrimSpace(s), "\n") != 0 || !strings.Contains(s, "CAP_NET_ADMIN") || !strings.Contains(s, "go run ./examples/slaacaddr") {
		t.Errorf("not-root message should be one line naming the capabilities and the unprivileged command, got:\n%s", s)
	}
}

// checkDetailsKeys pins the details keys of every act's -json line (see
// Help) in testdata/details-keys.golden, refreshed with -update.
func checkDetailsKeys(t *testing.T, lines []string) {
	t.Helper()
	keys := map[string][]string{}
	var order []string
	for _, line := range lines {
		var r struct {
			Act     string         `json:"act"`
			Details map[string]any `json:"details"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %q is not JSON: %v", line, err)
		}
		for k := range r.Details {
			if k != "error" { // only when the act failed
				keys[r.Act] = append(keys[r.Act], k)
			}
		}
		order = append(order, r.Act)
	}
	slices.Sort(order)
	var b strings.Builder
	for _, a := range order {
		slices.Sort(keys[a])
		b.WriteString(a + ": " + strings.Join(keys[a], " ") + "\n")
	}
	clitest.Golden(t, filepath.Join("testdata", "details-keys.golden"), []byte(b.String()))
}
