package slaac

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// timeline is the time a test passes to the manager, which reads no clock.
type timeline struct{ now time.Time }

func (c *timeline) add(d time.Duration) { c.now = c.now.Add(d) }
func (c *timeline) set(d time.Duration) { c.now = t0.Add(d) }
func newTimeline() *timeline            { return &timeline{now: t0} }

// desyncBytes makes the manager draw DESYNC_FACTOR d (it takes whole
// seconds modulo the maximum).
func desyncBytes(d time.Duration) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(d/time.Second))
	return b[:]
}

// scripted returns the given chunks in order, then a repeating pattern.
type scripted struct {
	chunks [][]byte
	n      byte
}

func (s *scripted) Read(p []byte) (int, error) {
	if len(s.chunks) > 0 {
		c := s.chunks[0]
		s.chunks = s.chunks[1:]
		return copy(p, c), nil
	}
	for i := range p {
		s.n++
		p[i] = s.n
	}
	return len(p), nil
}

var docPrefix = netip.MustParsePrefix("2001:db8:1:2::/64")

func kinds(evs []TempEvent) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind.String()+"@"+e.Time.Sub(t0).String())
	}
	return out
}

func newTestManager(t *testing.T, p TempProfile, r *scripted) (*TempManager, *timeline) {
	t.Helper()
	c := newTimeline()
	m, err := NewTempManager(TempConfig{Profile: p, Rand: r})
	if err != nil {
		t.Fatal(err)
	}
	return m, c
}

func TestTempCreate(t *testing.T) {
	iid := []byte{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0}
	tests := []struct {
		name                string
		profile             TempProfile
		desync              time.Duration
		valid, preferred    time.Duration
		wantValid, wantPref time.Duration // 0: no address
	}{
		{name: "RFC defaults, long prefix lifetimes", profile: RFC8981Profile(), desync: time.Hour,
			valid: 30 * 24 * time.Hour, preferred: 7 * 24 * time.Hour, wantValid: 48 * time.Hour, wantPref: 23 * time.Hour},
		{name: "prefix lifetimes shorter", profile: RFC8981Profile(), desync: time.Hour,
			valid: 2 * time.Hour, preferred: time.Hour, wantValid: 2 * time.Hour, wantPref: time.Hour},
		{name: "preferred equal to REGEN_ADVANCE: none", profile: RFC8981Profile(),
			valid: time.Hour, preferred: 5 * time.Second},
		{name: "preferred just above REGEN_ADVANCE", profile: RFC8981Profile(),
			valid: time.Hour, preferred: 6 * time.Second, wantValid: time.Hour, wantPref: 6 * time.Second},
		{name: "preferred 0: none", profile: RFC8981Profile(), valid: time.Hour},
		{name: "Linux defaults", profile: LinuxProfile(), desync: 599 * time.Second,
			valid: InfiniteLifetime, preferred: InfiniteLifetime, wantValid: 7 * 24 * time.Hour, wantPref: 24*time.Hour - 599*time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &scripted{chunks: [][]byte{desyncBytes(tt.desync), iid}}
			m, c := newTestManager(t, tt.profile, r)
			evs, err := m.PrefixInfo(c.now, docPrefix, tt.valid, tt.preferred)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantValid == 0 {
				if len(evs) != 0 || len(m.Addrs()) != 0 {
					t.Fatalf("got events %v, addrs %v; want none", kinds(evs), m.Addrs())
				}
				return
			}
			if len(evs) != 1 || evs[0].Kind != TempCreated {
				t.Fatalf("events %v, want one created", kinds(evs))
			}
			a := evs[0].TempAddr
			want := TempAddr{
				Addr: netip.MustParseAddr("2001:db8:1:2:1234:5678:9abc:def0"), Prefix: docPrefix, Created: t0,
				PreferredUntil: t0.Add(tt.wantPref), ValidUntil: t0.Add(tt.wantValid), Desync: tt.desync,
			}
			if diff := cmp.Diff(want, a, cmp.AllowUnexported(TempAddr{}), cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})); diff != "" {
				t.Errorf("created (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTempLifecycle(t *testing.T) {
	p := RFC8981Profile()
	r := &scripted{chunks: [][]byte{desyncBytes(time.Hour)}}
	m, c := newTestManager(t, p, r)
	// Prefix valid 30 days, preferred 7 days, refreshed by RAs below.
	evs, err := m.PrefixInfo(c.now, docPrefix, 30*24*time.Hour, 7*24*time.Hour)
	if err != nil || len(evs) != 1 {
		t.Fatalf("first RA: %v, %v", kinds(evs), err)
	}
	first := evs[0].Addr
	next, ok := m.NextDeadline()
	if want := t0.Add(23*time.Hour - 5*time.Second); !ok || !next.Equal(want) {
		t.Fatalf("NextDeadline = %v, want %v (regeneration)", next, want)
	}
	c.set(23*time.Hour + time.Minute)
	evs = m.Advance(c.now)
	if diff := cmp.Diff([]string{"created@22h59m55s", "deprecated@23h0m0s"}, kinds(evs)); diff != "" {
		t.Fatalf("events (-want +got):\n%s", diff)
	}
	if evs[0].Addr == first {
		t.Error("regenerated the same address")
	}
	c.set(48*time.Hour + time.Minute)
	evs = m.Advance(c.now)
	var got []string
	for _, e := range evs {
		if e.Addr == first {
			got = append(got, e.Kind.String()+"@"+e.Time.Sub(t0).String())
		}
	}
	if diff := cmp.Diff([]string{"expired@48h0m0s"}, got); diff != "" {
		t.Errorf("first address events (-want +got):\n%s", diff)
	}
}

// TestTempNoRegenWhenPrefixDeprecated: no replacement when the prefix's
// preferred lifetime has ended.
func TestTempNoRegenWhenPrefixDeprecated(t *testing.T) {
	m, c := newTestManager(t, RFC8981Profile(), &scripted{chunks: [][]byte{desyncBytes(0)}})
	if _, err := m.PrefixInfo(c.now, docPrefix, 30*24*time.Hour, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	c.set(time.Hour)
	evs, err := m.PrefixInfo(c.now, docPrefix, 30*24*time.Hour, 0)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"deprecated@1h0m0s"}, kinds(evs)); diff != "" {
		t.Fatalf("preferred 0 (-want +got):\n%s", diff)
	}
	c.set(72 * time.Hour)
	evs = m.Advance(c.now)
	if diff := cmp.Diff([]string{"expired@48h0m0s"}, kinds(evs)); diff != "" {
		t.Errorf("later (-want +got):\n%s", diff)
	}
}

// TestTempNeverExtended: lifetime updates never extend an address past
// its creation-time limits.
func TestTempNeverExtended(t *testing.T) {
	m, c := newTestManager(t, RFC8981Profile(), &scripted{chunks: [][]byte{desyncBytes(time.Hour)}})
	if _, err := m.PrefixInfo(c.now, docPrefix, 4*time.Hour, 3*time.Hour); err != nil {
		t.Fatal(err)
	}
	c.set(time.Hour)
	if _, err := m.PrefixInfo(c.now, docPrefix, 30*24*time.Hour, 7*24*time.Hour); err != nil {
		t.Fatal(err)
	}
	a := m.Addrs()[0]
	if want := t0.Add(48 * time.Hour); !a.ValidUntil.Equal(want) {
		t.Errorf("ValidUntil = %v, want %v (TEMP_VALID_LIFETIME from creation)", a.ValidUntil, want)
	}
	if want := t0.Add(23 * time.Hour); !a.PreferredUntil.Equal(want) {
		t.Errorf("PreferredUntil = %v, want %v", a.PreferredUntil, want)
	}
	// A shorter advertisement shortens it; the two-hour rule guards the
	// valid lifetime.
	c.set(2 * time.Hour)
	if _, err := m.PrefixInfo(c.now, docPrefix, 10*time.Minute, 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	a = m.Addrs()[0]
	if want := t0.Add(4 * time.Hour); !a.ValidUntil.Equal(want) {
		t.Errorf("after short RA ValidUntil = %v, want %v (two-hour rule)", a.ValidUntil, want)
	}
	if want := t0.Add(2*time.Hour + 5*time.Minute); !a.PreferredUntil.Equal(want) {
		t.Errorf("after short RA PreferredUntil = %v, want %v", a.PreferredUntil, want)
	}
}

func TestTempDADFailed(t *testing.T) {
	m, c := newTestManager(t, RFC8981Profile(), &scripted{})
	evs, err := m.PrefixInfo(c.now, docPrefix, 30*24*time.Hour, 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	addr := evs[0].Addr
	for i := 1; i <= 3; i++ {
		evs, err = m.DADFailed(c.now, addr)
		if err != nil {
			t.Fatalf("failure %d: %v", i, err)
		}
		if diff := cmp.Diff([]string{"dad-failed@0s", "created@0s"}, kinds(evs)); diff != "" {
			t.Fatalf("failure %d (-want +got):\n%s", i, diff)
		}
		if evs[1].DADCounter != i || evs[1].Addr == addr {
			t.Fatalf("failure %d: new address %v counter %d", i, evs[1].Addr, evs[1].DADCounter)
		}
		addr = evs[1].Addr
	}
	evs, err = m.DADFailed(c.now, addr)
	if !errors.Is(err, ErrIDGenRetries) || len(evs) != 1 || len(m.Addrs()) != 0 {
		t.Errorf("fourth failure: %v, %v, addrs %v", kinds(evs), err, m.Addrs())
	}
	if _, err := m.DADFailed(c.now, addr); err == nil {
		t.Error("DADFailed of an unknown address succeeded")
	}
}

func TestTempLinuxDesyncPerInterface(t *testing.T) {
	m, c := newTestManager(t, LinuxProfile(), &scripted{chunks: [][]byte{desyncBytes(100 * time.Second)}})
	p2 := netip.MustParsePrefix("2001:db8:8011:fd44::/64")
	if _, err := m.PrefixInfo(c.now, docPrefix, InfiniteLifetime, InfiniteLifetime); err != nil {
		t.Fatal(err)
	}
	if _, err := m.PrefixInfo(c.now, p2, InfiniteLifetime, InfiniteLifetime); err != nil {
		t.Fatal(err)
	}
	for _, a := range m.Addrs() {
		if a.Desync != 100*time.Second {
			t.Errorf("%v desync %v, want the interface's 100s", a.Addr, a.Desync)
		}
	}
}

func TestTempHashIID(t *testing.T) {
	c := newTimeline()
	m, err := NewTempManager(TempConfig{Profile: RFC8981Profile(), Rand: &scripted{}, HashSecret: []byte("secret"), NetIface: []byte("eth0")})
	if err != nil {
		t.Fatal(err)
	}
	evs, err := m.PrefixInfo(c.now, docPrefix, time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := m.tempIID(docPrefix, t0, 0)
	if got := IIDFrom(evs[0].Addr); got != want {
		t.Errorf("IID %v, want hash %v", got, want)
	}
}

func TestTempConfigErrors(t *testing.T) {
	c := newTimeline()
	bad := RFC8981Profile()
	bad.RegenAdvance = bad.PreferredLifetime
	negative := RFC8981Profile()
	negative.MaxDesyncFactor = -time.Second
	for name, cfg := range map[string]TempConfig{
		"zero profile":      {Rand: &scripted{}},
		"regen advance":     {Profile: bad, Rand: &scripted{}},
		"negative desync":   {Profile: negative},
		"negative lifetime": {Profile: TempProfile{ValidLifetime: -time.Hour, PreferredLifetime: -2 * time.Hour}},
	} {
		if _, err := NewTempManager(cfg); !errors.Is(err, ErrTempConfig) {
			t.Errorf("%s: error %v, want ErrTempConfig", name, err)
		}
	}
	m, _ := newTestManager(t, RFC8981Profile(), &scripted{})
	if _, err := m.PrefixInfo(c.now, docPrefix, time.Hour, 2*time.Hour); err == nil {
		t.Error("preferred > valid accepted")
	}
	if _, err := m.PrefixInfo(c.now, netip.MustParsePrefix("2001:db8::/48"), time.Hour, time.Hour); !errors.Is(err, ErrPrefix) {
		t.Errorf("/48: %v", err)
	}
	failing := &failReader{}
	m2, _ := NewTempManager(TempConfig{Profile: RFC8981Profile(), Rand: failing})
	if _, err := m2.PrefixInfo(c.now, docPrefix, time.Hour, time.Hour); err == nil {
		t.Error("randomness failure not reported")
	}
}

type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }
