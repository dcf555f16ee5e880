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
	st, err := readStat(os.Getpid())
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ownerFile), fmt.Appendf(nil, "%d %d\n", os.Getpid(), st.start), 0o644)
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
	st, err := readStat(pid)
	return pid, err == nil && st.start == start && st.state != 'Z' // a zombie has ended
}

// procStat is what the lab reads of /proc/PID/stat.
type procStat struct {
	state byte   // field 3: R, S, D, Z…
	start uint64 // field 22: start time in clock ticks since boot
}

// readStat reads a process's state and start time. The fields follow the
// command name in parentheses, which may itself hold spaces or
// parentheses: they are counted from the last ')'.
func readStat(pid int) (procStat, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: no command name", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return procStat{}, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	start, err := strconv.ParseUint(f[19], 10, 64) // field 22 is the 20th after the name (fields 3…)
	if err != nil {
		return procStat{}, fmt.Errorf("/proc/%d/stat: start time: %w", pid, err)
	}
	return procStat{state: f[0][0], start: start}, nil
}
