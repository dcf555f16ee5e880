package macvlan

import (
	"errors"
	"fmt"
)

// Errors callers can test with errors.Is.
var (
	// ErrWireless means the parent is a wireless interface, which an access
	// point would not carry extra MACs for.
	ErrWireless = errors.New("macvlan: parent is a wireless interface (an access point drops frames from extra MACs)")
	// ErrNoParent means the parent interface does not exist.
	ErrNoParent = errors.New("macvlan: parent interface not found")
	// ErrNotEthernet means the parent is not an Ethernet link (loopback, a
	// tunnel, InfiniBand): a macvlan needs a 48-bit MAC to derive its own.
	ErrNotEthernet = errors.New("macvlan: parent is not an Ethernet link")
	// ErrNameTaken means an interface with the shim's name exists but is not
	// a shim this package would make on that parent.
	ErrNameTaken = errors.New("macvlan: interface name taken by a link that is not our shim")
)

// kindError is an error with its own message that is also one of the
// package's sentinels, so the message can name the object and say what to
// do while errors.Is still matches.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

func errorf(kind error, format string, args ...any) error {
	return &kindError{msg: fmt.Sprintf(format, args...), kind: kind}
}

func noParent(name string) error {
	return errorf(ErrNoParent, "macvlan: parent interface %q not found; list them with 'ip link'", name)
}
