package slaac

import (
	"errors"
	"testing"
)

// FuzzParseKind: a name that parses marshals back to itself.
func FuzzParseKind(f *testing.F) {
	for _, s := range kindNames {
		f.Add(s)
	}
	f.Add("EUI64")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKind(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("ParseKind(%q): %v does not wrap ErrSyntax", s, err)
			}
			return
		}
		b, err := k.MarshalText()
		if err != nil || string(b) != s {
			t.Fatalf("ParseKind(%q) = %v, marshals to %q, %v", s, k, b, err)
		}
	})
}

// FuzzParseNMVersion: a version that parses prints as MAJOR.MINOR, which
// parses to the same version.
func FuzzParseNMVersion(f *testing.F) {
	for _, s := range []string{"1.42", "1.42.4", "1.44.2-1", "1.46.0", "0.9", "1.", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseNMVersion(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("ParseNMVersion(%q): %v does not wrap ErrSyntax", s, err)
			}
			return
		}
		back, err := ParseNMVersion(v.String())
		if err != nil || back != v {
			t.Fatalf("ParseNMVersion(%q) = %v; again from %q: %v, %v", s, v, v.String(), back, err)
		}
	})
}
