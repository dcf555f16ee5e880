package lxdprofile

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzParse checks that Parse never panics and that what it accepts
// survives Render and Parse again, and renders to the same bytes twice.
func FuzzParse(f *testing.F) {
	for _, p := range goldenProfiles() {
		for _, l := range []Layout{Layout50, Layout521, LayoutIncus} {
			b, err := Render(p, l)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte("name: x\ndevices:\n  eth0:\n"))
	f.Add([]byte("config:\n  a: 1\n  b: true\n  c: ~\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, ErrSyntax) || pe.Offset < 0 || pe.Offset > len(b) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Parse error %q is not a one-line *ParseError wrapping ErrSyntax with an offset in 0..%d", err, len(b))
			}
			return
		}
		for _, l := range []Layout{Layout50, Layout521, LayoutIncus} {
			out, err := Render(p, l)
			if err != nil {
				t.Fatalf("Render(%v): %v", l, err)
			}
			again, err := Render(p, l)
			if err != nil || !bytes.Equal(out, again) {
				t.Fatalf("Render(%v) twice differs:\n%s\n%s", l, out, again)
			}
			q, err := Parse(out)
			if err != nil {
				t.Fatalf("Parse(Render(%v)): %v\n%s", l, err, out)
			}
			want := p
			if l == Layout50 {
				want.Project = ""
			} else if want.Project == "" {
				want.Project = "default"
			}
			if diff := cmp.Diff(want, q, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("round trip through %v (-want +got):\n%s\n%s", l, diff, out)
			}
		}
	})
}

// FuzzParseDaemon checks that ParseDaemon and DaemonOf never panic, that
// what they accept names the daemon back (String round-trips), and that
// they refuse with their sentinel-bearing errors otherwise.
func FuzzParseDaemon(f *testing.F) {
	for _, s := range []string{"lxd", "incus", "Incus", "detect", "", "lxc", "microcloud"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, err := ParseDaemon(s); err == nil {
			if back, err := ParseDaemon(d.String()); err != nil || back != d {
				t.Fatalf("ParseDaemon(%q) = %v, which reads back as %v, %v", s, d, back, err)
			}
		} else if d != DetectDaemon || !strings.Contains(err.Error(), "lxd, incus or detect") {
			t.Fatalf("ParseDaemon(%q) = %v, %v", s, d, err)
		}
		if d, err := DaemonOf(s); err == nil {
			if d != LXD && d != Incus {
				t.Fatalf("DaemonOf(%q) = %v", s, d)
			}
		} else if !errors.Is(err, ErrUnknownDaemon) || d != DetectDaemon {
			t.Fatalf("DaemonOf(%q) = %v, %v; want ErrUnknownDaemon", s, d, err)
		}
	})
}

func BenchmarkRender(b *testing.B) {
	p := full()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Render(p, Layout50); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	in, err := Render(full(), Layout50)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExpand(b *testing.B) {
	profiles := []Profile{Macvlan("eth0", "default"), TwoIntfRev("br0", "lxdbr0"), full()}
	b.ReportAllocs()
	for b.Loop() {
		Expand(profiles, nil, nil)
	}
}

func BenchmarkPredict(b *testing.B) {
	cfg, devs := Expand([]Profile{TwoIntfRev("br0", "lxdbr0")}, map[string]string{
		"volatile.eth0.hwaddr": "00:16:3e:65:2b:99", "volatile.eth1.hwaddr": "00:16:3e:00:00:01",
	}, nil)
	prefixes := goldenPrefixes
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Predict("router", cfg, devs, prefixes); err != nil {
			b.Fatal(err)
		}
	}
}
