package v6kit_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The layers of ARCHITECTURE.md, lowest first. A package may import its
// own layer's foundations and anything below its layer, never above; the
// test fails on an arrow the document does not allow, so the document and
// the code cannot drift apart.
var layers = map[string]int{
	"internal/netx":         0,
	"internal/v6frame":      0,
	"internal/sdktest":      0,
	"internal/cli":          0,
	"internal/pcapfile":     0,
	"slaac":                 1, // pure
	"slaac/host":            2, // slaac's OS adapter: reads the running host
	"ndp":                   2, // protocol engines and OS adapters
	"ripng":                 2,
	"dhcpv4opt108":          2,
	"macvlan":               2,
	"discover":              3, // compose the engines
	"lxdprofile":            3,
	"nat64":                 3, // RFC 6052/7050 over ndp's PREF64
	"internal/lab":          4, // the namespace lab, for tests and the lab program
	"internal/lxdcli":       5, // what the LXD programs share
	"internal/labtest":      5, // test harnesses: only _test.go files import them
	"internal/clitest":      5,
	"internal/cmd/...":      6, // one Run per program
	"examples/...":          7, // thin mains
	"internal/tools/...":    7, // development tools run with go run
	"discover/internal/...": 7,
}

// sameLayerAllowed lists the imports within one layer that ARCHITECTURE.md
// names: the lab program drives the probe and server programs.
var sameLayerAllowed = map[[2]string]bool{
	{"internal/cmd/lab", "internal/cmd/v6only-probe"}:  true,
	{"internal/cmd/lab", "internal/cmd/v6only-server"}: true,
}

const module = "github.com/v6kit/v6kit/"

func layerOf(pkg string) (int, bool) {
	if l, ok := layers[pkg]; ok {
		return l, true
	}
	for k, l := range layers {
		if p, ok := strings.CutSuffix(k, "/..."); ok && strings.HasPrefix(pkg, p+"/") {
			return l, true
		}
	}
	return 0, false
}

type listed struct {
	ImportPath string
	Imports    []string
	Name       string
}

func goList(t *testing.T, args ...string) []listed {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("needs the go command:", err)
	}
	out, err := exec.Command("go", append([]string{"list", "-json=ImportPath,Imports,Name"}, args...)...).Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		p.ImportPath = strings.TrimPrefix(p.ImportPath, module)
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestImportsPointDownwards(t *testing.T) {
	for _, p := range goList(t, "./...") {
		if p.ImportPath == "github.com/v6kit/v6kit" {
			continue // the overview package: documentation only
		}
		from, ok := layerOf(p.ImportPath)
		if !ok {
			t.Errorf("%s is in no layer of ARCHITECTURE.md: add it there and to this test", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			dep, ours := strings.CutPrefix(imp, module)
			if !ours {
				continue
			}
			to, _ := layerOf(dep)
			switch {
			case to < from:
			case to == from && (from == 0 || sameLayerAllowed[[2]string{p.ImportPath, dep}]):
			default:
				t.Errorf("%s (layer %d) imports %s (layer %d): ARCHITECTURE.md allows only arrows downwards", p.ImportPath, from, dep, to)
			}
		}
	}
}

// TestProgramsLinkNoTestCode: no program carries the testing package (and
// so its flags) into the binary a user runs.
func TestProgramsLinkNoTestCode(t *testing.T) {
	for _, p := range goList(t, "-deps", "./examples/...") {
		if p.ImportPath == "testing" {
			t.Errorf("a program links the testing package; `go list -deps ./examples/...` shows who")
		}
	}
	// And the importable packages do not either.
	var public []string
	for _, p := range goList(t, "./...") {
		if !strings.HasPrefix(p.ImportPath, "internal/") && !strings.HasPrefix(p.ImportPath, "examples/") {
			public = append(public, "./"+strings.TrimPrefix(p.ImportPath, "github.com/v6kit/v6kit"))
		}
	}
	if slices.ContainsFunc(goList(t, append([]string{"-deps"}, public...)...), func(p listed) bool { return p.ImportPath == "testing" }) {
		t.Errorf("an importable package links the testing package")
	}
}
