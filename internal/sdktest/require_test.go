package sdktest

import "testing"

func TestPeersRequired(t *testing.T) {
	tests := []struct {
		value string
		want  bool
	}{
		{"", false},
		{"0", false},
		{"false", false},
		{"FALSE", false},
		{"1", true},
		{"yes", true},
	}
	for _, tt := range tests {
		t.Run("value="+tt.value, func(t *testing.T) {
			t.Setenv(RequirePeersEnv, tt.value)
			if got := PeersRequired(); got != tt.want {
				t.Fatalf("PeersRequired() with %q = %v, want %v", tt.value, got, tt.want)
			}
		})
	}
}

// recorder captures whether Skip skipped or failed without ending the
// calling test.
type recorder struct {
	testing.TB
	skipped, failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Skipf(string, ...any)  { r.skipped = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }

func TestSkipFailsWhenPeersRequired(t *testing.T) {
	for _, required := range []string{"", "1"} {
		t.Run("required="+required, func(t *testing.T) {
			t.Setenv(RequirePeersEnv, required)
			r := &recorder{TB: t}
			Skip(r, "reason %d", 1)
			if want := required == ""; r.skipped != want || r.failed == want {
				t.Fatalf("skipped=%v failed=%v, want skipped=%v", r.skipped, r.failed, want)
			}
		})
	}
}

func TestRequireCommandsResolvesPaths(t *testing.T) {
	t.Setenv(RequirePeersEnv, "")
	paths := RequireCommands(t, "sh")
	if len(paths) != 1 || paths[0] == "" {
		t.Fatalf("RequireCommands(sh) = %q, want one resolved path", paths)
	}
	r := &recorder{TB: t}
	RequireCommands(r, "v6kit-no-such-program")
	if !r.skipped {
		t.Fatal("RequireCommands of a missing program did not skip")
	}
}
