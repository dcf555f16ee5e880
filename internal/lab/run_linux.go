package lab

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

func supported() error { return nil }

// Run calls fn on an OS thread that has entered the namespace. Sockets fn
// creates stay in the namespace after it returns, so this is how a test
// opens a socket "on a host".
//
// The thread is never returned to the Go scheduler: the goroutine exits
// while still locked, so the runtime ends that thread and no other goroutine
// can ever run in the namespace by accident.
func (n *Netns) Run(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// No UnlockOSThread: see above.
		f, err := os.Open(n.Path())
		if err != nil {
			errc <- fmt.Errorf("lab: open namespace %s: %w", n.Name, err)
			return
		}
		err = unix.Setns(int(f.Fd()), unix.CLONE_NEWNET)
		f.Close()
		if err != nil {
			errc <- fmt.Errorf("lab: enter namespace %s: %w", n.Name, err)
			return
		}
		// fn may panic or call runtime.Goexit (t.Fatal): report both
		// rather than leave the caller waiting.
		returned := false
		defer func() {
			if r := recover(); r != nil {
				errc <- errors.New(fmt.Sprint("lab: panic in namespace ", n.Name, ": ", r))
			} else if !returned {
				errc <- fmt.Errorf("lab: function in namespace %s exited early (t.Fatal or runtime.Goexit)", n.Name)
			}
		}()
		err = fn()
		returned = true
		errc <- err
	}()
	return <-errc
}
