//go:build linux

package lab

// For the external tests in lab_test.go, which need labtest (and labtest
// needs lab).
var (
	PIDs  = (*Netns).pids
	Alive = alive
)

// SetMakingHook sets a func Namespace calls as it begins, for the lifetime
// of the test.
func SetMakingHook(t interface{ Cleanup(func()) }, f func()) {
	testHookMaking = f
	t.Cleanup(func() { testHookMaking = nil })
}
