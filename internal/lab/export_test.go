//go:build linux

package lab

// For the external tests in lab_test.go, which need labtest (and labtest
// needs lab).
var (
	PIDs  = (*Netns).pids
	Alive = alive
)
