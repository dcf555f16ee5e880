// Command apicheck keeps v6kit's exported API compatible across releases,
// as the Go repository's api/ files do for the standard library.
//
//	go run ./internal/tools/apicheck -write api/v0.1.0.txt   # at a release: the baseline
//	go run ./internal/tools/apicheck                         # in CI: against the newest api/v*.txt
//
// The listing has one line per exported identifier, field, method and
// signature of every importable package of the module (not internal/, not
// programs), built from the compiler's export data, so it sees exactly what
// a caller compiles against. The check fails when a baseline line is gone
// or changed, or when an interface callers could implement gained a method
// — unless the CHANGELOG's first section (the unreleased one) has a heading
// "Breaking", which is where such a change must be announced. New API is
// listed and allowed.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/importer"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

func main() {
	write := flag.String("write", "", "write the current API listing to this `file` (a new release's baseline) and exit")
	base := flag.String("base", "", "compare against this baseline `file` (default: the newest api/v*.txt)")
	changelog := flag.String("changelog", "CHANGELOG.md", "the `file` whose first section must announce breaking changes")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: apicheck [-write FILE | -base FILE] [-changelog FILE]\n\nexample:\n  go run ./internal/tools/apicheck -write api/v0.1.0.txt\n  go run ./internal/tools/apicheck\n\nflags:\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(*write, *base, *changelog, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "apicheck:", err)
		os.Exit(1)
	}
}

func run(write, base, changelog string, out io.Writer) error {
	lines, err := listing()
	if err != nil {
		return err
	}
	if write != "" {
		return os.WriteFile(write, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	}
	if base == "" {
		if base, err = newestBaseline("api"); err != nil {
			return err
		}
	}
	b, err := os.ReadFile(base)
	if err != nil {
		return err
	}
	baseline := strings.Split(strings.TrimSpace(string(b)), "\n")
	broken, added := Compare(baseline, lines)
	for _, l := range added {
		fmt.Fprintln(out, "+", l)
	}
	if len(broken) == 0 {
		fmt.Fprintf(out, "apicheck: compatible with %s (%d lines, %d new)\n", base, len(baseline), len(added))
		return nil
	}
	for _, l := range broken {
		fmt.Fprintln(out, "-", l)
	}
	log, err := os.ReadFile(changelog)
	if err != nil {
		return err
	}
	if AnnouncesBreaking(log) {
		fmt.Fprintf(out, "apicheck: %d incompatible changes against %s, announced under \"Breaking\" in %s\n", len(broken), base, changelog)
		return nil
	}
	return fmt.Errorf("%d incompatible API changes against %s (lines marked -); announce them under a \"Breaking\" heading in the first section of %s, or keep the old API", len(broken), base, changelog)
}

// Compare returns the baseline lines that the current listing lacks
// (removed or changed API), plus methods added to an interface that has no
// unexported method (callers' implementations would break), and the lines
// that are new.
func Compare(baseline, current []string) (broken, added []string) {
	cur := make(map[string]bool, len(current))
	for _, l := range current {
		cur[l] = true
	}
	old := make(map[string]bool, len(baseline))
	sealed := make(map[string]bool) // interfaces with unexported methods: adding is fine
	for _, l := range baseline {
		old[l] = true
		if rest, ok := strings.CutSuffix(l, ", unexported methods"); ok {
			sealed[rest] = true
		}
		if !cur[l] {
			broken = append(broken, l)
		}
	}
	for _, l := range current {
		if old[l] {
			continue
		}
		added = append(added, l)
		if i := strings.Index(l, " interface, "); i >= 0 {
			iface := l[:i+len(" interface")]
			if old[iface] && !sealed[iface] && !strings.HasSuffix(l, ", unexported methods") {
				broken = append(broken, l+" (method added to an interface callers may implement)")
			}
		}
	}
	return broken, added
}

var breakingHeading = regexp.MustCompile(`(?mi)^#{2,4}\s*Breaking\b`)

// AnnouncesBreaking reports whether the changelog's first section (from the
// first "## " heading to the next) has a "Breaking" heading.
func AnnouncesBreaking(changelog []byte) bool {
	s := string(changelog)
	i := strings.Index(s, "\n## ")
	if i < 0 {
		return false
	}
	s = s[i+1:]
	if j := strings.Index(s[3:], "\n## "); j >= 0 {
		s = s[:j+3]
	}
	_, head, _ := strings.Cut(s, "\n")
	return breakingHeading.MatchString(head)
}

func newestBaseline(dir string) (string, error) {
	files, _ := filepath.Glob(filepath.Join(dir, "v*.txt"))
	if len(files) == 0 {
		return "", fmt.Errorf("no baseline %s/v*.txt; write one with -write at a release", dir)
	}
	slices.SortFunc(files, func(a, b string) int { return compareVersions(a, b) })
	return files[len(files)-1], nil
}

var versionNumber = regexp.MustCompile(`\d+`)

// compareVersions orders api/v0.1.0.txt before api/v0.10.0.txt.
func compareVersions(a, b string) int {
	pa, pb := versionNumber.FindAllString(a, -1), versionNumber.FindAllString(b, -1)
	for i := 0; i < len(pa) && i < len(pb); i++ {
		if len(pa[i]) != len(pb[i]) {
			return len(pa[i]) - len(pb[i])
		}
		if c := strings.Compare(pa[i], pb[i]); c != 0 {
			return c
		}
	}
	return len(pa) - len(pb)
}

type goPackage struct {
	ImportPath string
	Name       string
	Export     string
	Module     *struct{ Path string }
	Error      *struct{ Err string }
}

// listing type-checks nothing itself: `go list -export` has the compiler
// write export data for the module's packages and their dependencies, and
// the gc importer reads it.
func listing() ([]string, error) {
	cmd := exec.Command("go", "list", "-e", "-export", "-deps", "-json=ImportPath,Name,Export,Module,Error", "./...")
	cmd.Env = append(os.Environ(), "GOOS=linux", "CGO_ENABLED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v\n%s", err, stderr.String())
	}
	exports := map[string]string{}
	var ours []goPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		exports[p.ImportPath] = p.Export
		ours = append(ours, p)
	}
	mod, err := modulePath()
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		f, ok := exports[path]
		if !ok || f == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(f)
	})
	var lines []string
	for _, p := range ours {
		if p.Module == nil || p.Module.Path != mod || p.Name == "main" || isInternal(p.ImportPath) {
			continue
		}
		if p.Error != nil {
			return nil, fmt.Errorf("%s does not build, so its API cannot be listed: %s", p.ImportPath, p.Error.Err)
		}
		if p.Export == "" {
			return nil, fmt.Errorf("%s does not build, so its API cannot be listed (go build ./... says why)", p.ImportPath)
		}
		pkg, err := imp.Import(p.ImportPath)
		if err != nil {
			return nil, err
		}
		lines = append(lines, describe(pkg)...)
	}
	slices.Sort(lines)
	return slices.Compact(lines), nil
}

func modulePath() (string, error) {
	out, err := exec.Command("go", "list", "-m").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

func isInternal(path string) bool {
	return strings.Contains(path, "/internal/") || strings.HasSuffix(path, "/internal")
}

// describe lists pkg's exported API, one fact per line.
func describe(pkg *types.Package) []string {
	q := func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	}
	ts := func(t types.Type) string { return types.TypeString(t, q) }
	prefix := "pkg " + strings.TrimPrefix(pkg.Path(), modulePrefix(pkg.Path())) + ", "
	var lines []string
	add := func(s string) { lines = append(lines, prefix+s) }
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		obj := scope.Lookup(name)
		if !obj.Exported() {
			continue
		}
		switch o := obj.(type) {
		case *types.Const:
			add(fmt.Sprintf("const %s %s", name, ts(o.Type())))
		case *types.Var:
			add(fmt.Sprintf("var %s %s", name, ts(o.Type())))
		case *types.Func:
			add("func " + name + signature(o.Type().(*types.Signature), ts))
		case *types.TypeName:
			lines = append(lines, describeType(prefix, o, ts)...)
		}
	}
	return lines
}

func describeType(prefix string, o *types.TypeName, ts func(types.Type) string) []string {
	var lines []string
	add := func(s string) { lines = append(lines, prefix+s) }
	name := o.Name()
	if o.IsAlias() {
		add(fmt.Sprintf("type %s = %s", name, ts(types.Unalias(o.Type()))))
		return lines
	}
	named := o.Type().(*types.Named)
	if tp := named.TypeParams(); tp.Len() > 0 {
		var ps []string
		for i := range tp.Len() {
			ps = append(ps, tp.At(i).Obj().Name()+" "+ts(tp.At(i).Constraint()))
		}
		name += "[" + strings.Join(ps, ", ") + "]"
	}
	switch u := named.Underlying().(type) {
	case *types.Struct:
		add("type " + name + " struct")
		for i := range u.NumFields() {
			f := u.Field(i)
			if !f.Exported() {
				continue
			}
			if f.Embedded() {
				add(fmt.Sprintf("type %s struct, embedded %s", name, ts(f.Type())))
			} else {
				add(fmt.Sprintf("type %s struct, %s %s", name, f.Name(), ts(f.Type())))
			}
		}
	case *types.Interface:
		add("type " + name + " interface")
		for i := range u.NumMethods() {
			m := u.Method(i)
			if !m.Exported() {
				add("type " + name + " interface, unexported methods")
				continue
			}
			add(fmt.Sprintf("type %s interface, %s%s", name, m.Name(), signature(m.Type().(*types.Signature), ts)))
		}
	default:
		add(fmt.Sprintf("type %s %s", name, ts(u)))
	}
	for i := range named.NumMethods() {
		m := named.Method(i)
		if !m.Exported() {
			continue
		}
		sig := m.Type().(*types.Signature)
		recv := name
		if _, ok := sig.Recv().Type().(*types.Pointer); ok {
			recv = "*" + name
		}
		add(fmt.Sprintf("method (%s) %s%s", recv, m.Name(), signature(sig, ts)))
	}
	return lines
}

// signature prints parameter and result types without names: renaming a
// parameter is not a change callers can see.
func signature(sig *types.Signature, ts func(types.Type) string) string {
	list := func(t *types.Tuple, variadic bool) []string {
		var s []string
		for i := range t.Len() {
			typ := ts(t.At(i).Type())
			if variadic && i == t.Len()-1 {
				typ = "..." + ts(t.At(i).Type().(*types.Slice).Elem())
			}
			s = append(s, typ)
		}
		return s
	}
	out := "(" + strings.Join(list(sig.Params(), sig.Variadic()), ", ") + ")"
	switch res := list(sig.Results(), false); len(res) {
	case 0:
	case 1:
		out += " " + res[0]
	default:
		out += " (" + strings.Join(res, ", ") + ")"
	}
	return out
}

// modulePrefix returns "github.com/v6kit/v6kit/" for the module's packages,
// so lines read "pkg ndp, ...".
func modulePrefix(path string) string {
	const m = "github.com/v6kit/v6kit/"
	if strings.HasPrefix(path, m) {
		return m
	}
	return ""
}
