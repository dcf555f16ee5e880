package discover

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/dns/dnsmessage"
)

func TestReverseName(t *testing.T) {
	tests := []struct {
		addr string
		want string
	}{
		{"2001:db8::567:89ab", "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."}, // RFC 3596 2.5
		{"fe80::ba27:ebff:fe5a:110c%eth0", "c.0.1.1.a.5.e.f.f.f.b.e.7.2.a.b.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f.ip6.arpa."},
		{"192.0.2.1", "1.2.0.192.in-addr.arpa."},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			a := netip.MustParseAddr(tt.addr)
			if got := ReverseName(a); got != tt.want {
				t.Fatalf("ReverseName(%v) = %q, want %q", a, got, tt.want)
			}
			if a.Is6() {
				back, ok := parseReverseName(tt.want)
				if !ok || back != a.WithZone("") {
					t.Errorf("parseReverseName(%q) = %v, %v; want %v", tt.want, back, ok, a.WithZone(""))
				}
			}
		})
	}
	for _, bad := range []string{"example.com.", "1.2.ip6.arpa.", "g." + ReverseName(netip.MustParseAddr("::1"))[2:]} {
		if _, ok := parseReverseName(bad); ok {
			t.Errorf("parseReverseName(%q) accepted a name that is not a full IPv6 reverse name", bad)
		}
	}
}

// response builds what a responder answers: PTR records for addrs.
func response(t testing.TB, id uint16, names map[netip.Addr]string, additional bool) []byte {
	t.Helper()
	b := dnsmessage.NewBuilder(nil, dnsmessage.Header{ID: id, Response: true, Authoritative: true})
	if err := b.StartAnswers(); err != nil {
		t.Fatal(err)
	}
	if additional {
		if err := b.StartAdditionals(); err != nil {
			t.Fatal(err)
		}
	}
	for a, n := range names {
		rh := dnsmessage.ResourceHeader{Name: dnsmessage.MustNewName(ReverseName(a)), Class: dnsmessage.ClassINET, TTL: 120}
		if err := b.PTRResource(rh, dnsmessage.PTRResource{PTR: dnsmessage.MustNewName(n + ".")}); err != nil {
			t.Fatal(err)
		}
	}
	out, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParseReverseAnswers(t *testing.T) {
	want := map[netip.Addr]string{
		netip.MustParseAddr("fe80::ba27:ebff:fe5a:110c"):        "pi.local",
		netip.MustParseAddr("2001:db8:1:1:ba27:ebff:fe5a:110c"): "pi.local",
	}
	for _, additional := range []bool{false, true} {
		got, err := ParseReverseAnswers(response(t, 7, want, additional))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
			t.Errorf("additional=%v (-want +got):\n%s", additional, diff)
		}
	}
	q, err := AppendReverseQuery(nil, 7, []netip.Addr{netip.MustParseAddr("fe80::1")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseReverseAnswers(q); !errors.Is(err, ErrNotResponse) {
		t.Errorf("a query parsed as an answer: err = %v, want ErrNotResponse", err)
	}
	if _, err := ParseReverseAnswers(q[:5]); err == nil {
		t.Error("a truncated message parsed without error")
	}
}

func TestAppendReverseQueryAsksPTRForEach(t *testing.T) {
	addrs := []netip.Addr{netip.MustParseAddr("fe80::1"), netip.MustParseAddr("2001:db8::2")}
	b, err := AppendReverseQuery(nil, 0x1234, addrs)
	if err != nil {
		t.Fatal(err)
	}
	var m dnsmessage.Message
	if err := m.Unpack(b); err != nil {
		t.Fatal(err)
	}
	if m.Header.ID != 0x1234 || m.Header.Response || len(m.Questions) != 2 {
		t.Fatalf("query header %+v with %d questions", m.Header, len(m.Questions))
	}
	for i, q := range m.Questions {
		if q.Type != dnsmessage.TypePTR || q.Name.String() != ReverseName(addrs[i]) {
			t.Errorf("question %d = %v %v, want PTR %s", i, q.Type, q.Name, ReverseName(addrs[i]))
		}
	}
}

// FuzzParseReverseAnswers: any bytes parse or fail without panicking, and
// a response built from the names found parses to the same names.
func FuzzParseReverseAnswers(f *testing.F) {
	f.Add(response(f, 1, map[netip.Addr]string{netip.MustParseAddr("fe80::1"): "a.local"}, false))
	f.Add(response(f, 2, map[netip.Addr]string{netip.MustParseAddr("2001:db8::1"): "b.local"}, true))
	q, _ := AppendReverseQuery(nil, 3, []netip.Addr{netip.MustParseAddr("fe80::2")})
	f.Add(q)
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ParseReverseAnswers(b)
		if err != nil || len(got) == 0 {
			return
		}
		for _, n := range got {
			if _, err := dnsmessage.NewName(n + "."); err != nil {
				return // a name dnsmessage cannot rebuild; nothing to compare
			}
		}
		again, err := ParseReverseAnswers(response(t, 9, got, false))
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if diff := cmp.Diff(got, again, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}
