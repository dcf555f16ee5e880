package dhcpv4opt108

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func TestRenderGolden(t *testing.T) {
	for _, target := range Targets() {
		t.Run(target.String(), func(t *testing.T) {
			got, err := Render(target, Option{1800})
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", target.String()+".golden")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("Render(%v) (-want +got):\n%s", target, diff)
			}
		})
	}
}

func TestRenderErrors(t *testing.T) {
	if _, err := Render(Networkd, Option{299}); !errors.Is(err, ErrRange) {
		t.Errorf("networkd with 299 s: %v, want ErrRange", err)
	}
	if _, err := Render(Target(0), Option{1800}); !errors.Is(err, ErrTarget) {
		t.Errorf("unknown target: %v, want ErrTarget", err)
	}
	if got := Target(42).String(); got != "Target(42)" {
		t.Errorf("String = %q", got)
	}
}

func TestHexOctets(t *testing.T) {
	tests := []struct {
		o    Option
		want string
	}{
		{Option{1800}, "00:00:07:08"},
		{Option{0}, "00:00:00:00"},
		{Option{0xdeadbeef}, "de:ad:be:ef"},
	}
	for _, tt := range tests {
		if got := hexOctets(tt.o); got != tt.want {
			t.Errorf("hexOctets(%v) = %q, want %q", tt.o, got, tt.want)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(DnsmasqNumeric, Option{1800}); err != nil {
			b.Fatal(err)
		}
	}
}
