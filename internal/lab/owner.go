//go:build linux

package lab

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ownerFile, in a lab's directory, names the process that made the lab:
// its PID and start time, so `lab -down` leaves a running lab alone and
// a reused PID is not taken for it.
const ownerFile = "owner"

func writeOwner(dir string) error {
	start, err := startTime(os.Getpid())
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ownerFile), fmt.Appendf(nil, "%d %d\n", os.Getpid(), start), 0o644)
}

// ownerAlive reports whether the process that made the lab in dir still
// runs, and its PID; this process does not count (it is removing its own).
// A lab without an owner file (older, or -keep'd and its maker gone) is
// not alive.
func ownerAlive(dir string) (int, bool) {
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		return 0, false
	}
	var pid int
	var start uint64
	if _, err := fmt.Sscan(string(b), &pid, &start); err != nil || pid <= 0 || pid == os.Getpid() {
		return 0, false
	}
	now, err := startTime(pid)
	return pid, err == nil && now == start && alive(pid) // a zombie has ended
}

// startTime is a process's start time in clock ticks since boot, field 22
// of /proc/PID/stat (after the command name, which may hold spaces).
func startTime(pid int) (uint64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	return strconv.ParseUint(f[19], 10, 64) // field 22 is the 20th after the name (fields 3…)
}
