package labcmd

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// report writes one act's result; a write error (a closed stdout) is
// returned so the program ends quietly.
func report(w io.Writer, asJSON bool, r Result) error {
	if asJSON {
		b, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("lab: act %s: %w", r.Act, err)
		}
		_, err = w.Write(append(b, '\n'))
		return err
	}
	mark := "✔"
	if !r.OK {
		mark = "✘"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %-10s %5.2fs  %s\n", mark, r.Act, r.Seconds, r.Summary)
	if r.Err != nil {
		fmt.Fprintf(&b, "    error: %v\n", r.Err)
	}
	if lines, ok := r.Details["lines"].([]string); ok {
		for _, line := range lines {
			fmt.Fprintf(&b, "    %s\n", line)
		}
	}
	if r.Next != "" {
		fmt.Fprintf(&b, "    next: %s\n", r.Next)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
