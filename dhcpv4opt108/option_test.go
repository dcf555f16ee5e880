package dhcpv4opt108

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/insomniacslk/dhcp/dhcpv4"
)

func TestNew(t *testing.T) {
	tests := []struct {
		name string
		wait time.Duration
		want Option
		err  error
	}{
		{name: "zero", wait: 0, want: Option{0}},
		{name: "minimum", wait: MinV6OnlyWait, want: Option{300}},
		{name: "default", wait: DefaultV6OnlyWait, want: Option{1800}},
		{name: "max", wait: MaxV6OnlyWait, want: Option{0xffffffff}},
		// insomniacslk's OptIPv6OnlyPreferred would wrap this to 0 s.
		{name: "one past max", wait: MaxV6OnlyWait + time.Second, err: ErrRange},
		{name: "negative", wait: -time.Second, err: ErrRange},
		{name: "fraction", wait: 1800*time.Second + time.Millisecond, err: ErrFraction},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := New(tt.wait)
			if !errors.Is(err, tt.err) {
				t.Fatalf("New(%v) error = %v, want %v", tt.wait, err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("New(%v) (-want +got):\n%s", tt.wait, diff)
			}
		})
	}
}

func TestFromSeconds(t *testing.T) {
	tests := []struct {
		name string
		s    int64
		want Option
		err  error
	}{
		{name: "zero", s: 0, want: Option{0}},
		{name: "1800", s: 1800, want: Option{1800}},
		{name: "max", s: 1<<32 - 1, want: Option{1<<32 - 1}},
		{name: "2^32 does not wrap to 0", s: 1 << 32, err: ErrRange},
		{name: "negative", s: -1, err: ErrRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromSeconds(tt.s)
			if !errors.Is(err, tt.err) {
				t.Fatalf("FromSeconds(%d) error = %v, want %v", tt.s, err, tt.err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("FromSeconds(%d) (-want +got):\n%s", tt.s, diff)
			}
		})
	}
}

func TestEffective(t *testing.T) {
	tests := []struct {
		name string
		o    Option
		want time.Duration
	}{
		{name: "0 means MIN_V6ONLY_WAIT", o: Option{0}, want: 300 * time.Second},
		{name: "1 s", o: Option{1}, want: 300 * time.Second},
		{name: "299 s", o: Option{299}, want: 300 * time.Second},
		{name: "300 s", o: Option{300}, want: 300 * time.Second},
		{name: "301 s", o: Option{301}, want: 301 * time.Second},
		{name: "1800 s", o: Option{1800}, want: 1800 * time.Second},
		{name: "max", o: Option{0xffffffff}, want: MaxV6OnlyWait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.o.Effective(); got != tt.want {
				t.Errorf("%v.Effective() = %v, want %v", tt.o, got, tt.want)
			}
		})
	}
}

func TestUnmarshalBinary(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want Option
		ok   bool
	}{
		{name: "1800", b: []byte{0x00, 0x00, 0x07, 0x08}, want: Option{1800}, ok: true},
		{name: "zero", b: []byte{0, 0, 0, 0}, want: Option{0}, ok: true},
		{name: "max", b: []byte{0xff, 0xff, 0xff, 0xff}, want: Option{0xffffffff}, ok: true},
		{name: "empty", b: []byte{}},
		{name: "3 bytes", b: []byte{0x00, 0x07, 0x08}},
		// dhcpcd 9.4.1 and insomniacslk accept this one by reading 4 of 5.
		{name: "5 bytes", b: []byte{0x00, 0x00, 0x07, 0x08, 0x00}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Option
			err := got.UnmarshalBinary(tt.b)
			if tt.ok != (err == nil) {
				t.Fatalf("UnmarshalBinary(% x) error = %v, want ok=%v", tt.b, err, tt.ok)
			}
			if !tt.ok {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.Type != "option 108" || pe.Offset != min(len(tt.b), Length) || !errors.Is(err, ErrMalformed) {
					t.Fatalf("UnmarshalBinary(% x) error = %#v, want *ParseError{Type: \"option 108\", Offset: %d} wrapping ErrMalformed", tt.b, err, min(len(tt.b), Length))
				}
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			b, err := got.MarshalBinary()
			if err != nil || !cmp.Equal(b, tt.b) {
				t.Errorf("MarshalBinary() = % x, %v, want % x", b, err, tt.b)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	msg := func(v []byte) *dhcpv4.DHCPv4 {
		m, err := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer))
		if err != nil {
			t.Fatal(err)
		}
		if v != nil {
			m.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionIPv6OnlyPreferred, v))
		}
		// Through the wire and back, as a client sees it.
		m, err = dhcpv4.FromBytes(m.ToBytes())
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	tests := []struct {
		name     string
		m        *dhcpv4.DHCPv4
		want     Option
		presence Presence
		err      error
	}{
		{name: "nil message", m: nil, presence: Absent, err: ErrAbsent},
		{name: "absent", m: msg(nil), presence: Absent, err: ErrAbsent},
		{name: "valid 1800", m: msg([]byte{0, 0, 7, 8}), want: Option{1800}, presence: Valid},
		{name: "valid 0", m: msg([]byte{0, 0, 0, 0}), want: Option{0}, presence: Valid},
		{name: "zero length", m: msg([]byte{}), presence: Malformed, err: ErrMalformed},
		{name: "length 2", m: msg([]byte{7, 8}), presence: Malformed, err: ErrMalformed},
		{name: "length 5", m: msg([]byte{0, 0, 7, 8, 0}), presence: Malformed, err: ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, p := Lookup(tt.m)
			if p != tt.presence {
				t.Errorf("Lookup presence = %v, want %v", p, tt.presence)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lookup (-want +got):\n%s", diff)
			}
			if tt.m != nil {
				if _, err := Decode(tt.m.Options); !errors.Is(err, tt.err) {
					t.Errorf("Decode error = %v, want %v", err, tt.err)
				}
			}
		})
	}
}

func TestRequested(t *testing.T) {
	tests := []struct {
		name string
		mods []dhcpv4.Modifier
		want bool
	}{
		// insomniacslk's IsOptionRequested says true here.
		{name: "no PRL", want: false},
		{name: "empty PRL", mods: []dhcpv4.Modifier{dhcpv4.WithOption(dhcpv4.OptParameterRequestList())}, want: false},
		{name: "PRL without 108", mods: []dhcpv4.Modifier{dhcpv4.WithRequestedOptions(dhcpv4.OptionRouter)}, want: false},
		{name: "PRL with 108", mods: []dhcpv4.Modifier{dhcpv4.WithRequestedOptions(dhcpv4.OptionRouter), WithRequest()}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := dhcpv4.New(tt.mods...)
			if err != nil {
				t.Fatal(err)
			}
			if got := Requested(m); got != tt.want {
				t.Errorf("Requested() = %v, want %v", got, tt.want)
			}
		})
	}
	if Requested(nil) {
		t.Error("Requested(nil) = true")
	}
}

func TestErrorMessages(t *testing.T) {
	var o Option
	err := o.UnmarshalBinary([]byte{0, 0, 7, 8, 0}).Error()
	if want := "dhcpv4opt108: parse option 108 at offset 4: option 108 is malformed: length is not 4 (it is 5)"; err != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
	for _, e := range []error{ErrAbsent, ErrMalformed, ErrRange, ErrFraction, ErrNoServerID, ErrTarget} {
		if s := e.Error(); len(s) < 14 || s[:14] != "dhcpv4opt108: " {
			t.Errorf("error %q lacks the package prefix", s)
		}
	}
}

func TestStrings(t *testing.T) {
	got := []string{Absent.String(), Valid.String(), Malformed.String(), Presence(9).String(), Option{1800}.String()}
	want := []string{"absent", "valid", "malformed", "Presence(9)", "1800 s"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestNoAllocs(t *testing.T) {
	b := []byte{0, 0, 7, 8}
	buf := make([]byte, 0, 16)
	if n := testing.AllocsPerRun(100, func() {
		var o Option
		_ = o.UnmarshalBinary(b)
		buf, _ = o.AppendBinary(buf[:0])
	}); n != 0 {
		t.Errorf("UnmarshalBinary+AppendBinary allocate %v times, want 0", n)
	}
}
