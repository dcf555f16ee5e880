package dhcpv4opt108

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/insomniacslk/dhcp/dhcpv4"
)

// FuzzOption checks the value codec: parse, marshal, parse again; marshal
// twice gives the same bytes; only length 4 parses; never panics.
func FuzzOption(f *testing.F) {
	f.Add([]byte{0x00, 0x00, 0x07, 0x08}) // V6ONLY_WAIT = 1800 s
	f.Add([]byte{0x00, 0x00, 0x00, 0x00}) // V6ONLY_WAIT = 0: clamps to 300 s
	f.Add([]byte{0xff, 0xff, 0xff, 0xff}) // V6ONLY_WAIT = 2^32-1 s
	f.Add([]byte{0x00, 0x00, 0x07})       // length 3: malformed
	f.Add([]byte("0000i"))                // length 5: malformed
	f.Add([]byte{})                       // length 0: malformed
	f.Fuzz(func(t *testing.T, b []byte) {
		var o Option
		err := o.UnmarshalBinary(b)
		if (err == nil) != (len(b) == Length) {
			t.Fatalf("UnmarshalBinary(% x) = %v, but length is %d", b, err, len(b))
		}
		if err != nil {
			return
		}
		m1, err := o.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		m2, _ := o.MarshalBinary()
		if !bytes.Equal(m1, m2) || !bytes.Equal(m1, b) {
			t.Fatalf("marshal % x, % x; input % x", m1, m2, b)
		}
		var o2 Option
		if err := o2.UnmarshalBinary(m1); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(o, o2); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
		if e := o.Effective(); e < MinV6OnlyWait || (o.Wait() >= MinV6OnlyWait && e != o.Wait()) {
			t.Fatalf("Effective(%v) = %v", o, e)
		}
	})
}

// FuzzDecide feeds whole DHCPv4 messages to Lookup and Decide: they never
// panic, and the client stops only for a requested, valid 108.
func FuzzDecide(f *testing.F) {
	offer, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer), Option{1800}.modifier())
	f.Add(offer.ToBytes(), uint8(Selecting), true)
	ack, _ := dhcpv4.New(dhcpv4.WithMessageType(dhcpv4.MessageTypeAck), dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.OptionIPv6OnlyPreferred, []byte{0, 0, 1})))
	f.Add(ack.ToBytes(), uint8(InitReboot), true)
	f.Add([]byte{}, uint8(Selecting), false)
	f.Fuzz(func(t *testing.T, b []byte, state uint8, requested bool) {
		m, err := dhcpv4.FromBytes(b)
		if err != nil {
			return
		}
		d := Decide(State(state%4), requested, m)
		o, p := Lookup(m)
		if d.Action == StopV6Only {
			if !requested || p != Valid || d.Wait != o.Effective() || d.Wait < MinV6OnlyWait {
				t.Fatalf("stopped with requested=%v presence=%v decision=%+v", requested, p, d)
			}
		} else if d.Wait != 0 {
			t.Fatalf("continue with a wait: %+v", d)
		}
		var pol Policy
		v := pol.Apply(m, m)
		if mt := m.MessageType(); (mt == dhcpv4.MessageTypeDiscover || mt == dhcpv4.MessageTypeRequest) && v.V6Only != Requested(m) {
			t.Fatalf("policy verdict %+v for requested=%v", v, Requested(m))
		}
		if _, p := Lookup(m); (p == Valid) != v.V6Only {
			t.Fatalf("after Apply, 108 is %v with verdict %+v", p, v)
		}
	})
}

func (o Option) modifier() dhcpv4.Modifier { return dhcpv4.WithOption(o.DHCPv4()) }
