package slaac

import (
	"bytes"
	"strings"
)

// iniSyntax selects the dialect of an INI-style file.
type iniSyntax uint8

const (
	// glibKeyfile is GLib's GKeyFile (NetworkManager's keyfiles,
	// NetworkManager.conf, its device state): "#" comments, values with
	// \s \n \t \r \\ escapes.
	glibKeyfile iniSyntax = iota
	// systemdUnit is systemd's unit-file syntax (.network files, the
	// state files under /run/systemd/netif): "#" and ";" comments, a
	// trailing backslash continues the line.
	systemdUnit
)

// blanks are what both dialects trim around keys and values.
const blanks = " \t\r"

// iniEach calls fn for every key=value line of b, with its section, the
// key and value trimmed of blanks (and unescaped for glibKeyfile), and the
// byte offset of the value in b (so an error in the value points at it). A line that is none of blank, comment, [section]
// or key=value stops it with a *ParseError of type typ.
func iniEach(b []byte, syntax iniSyntax, typ string, fn func(section, key, value string, off int) error) error {
	section := ""
	for off := 0; off < len(b); {
		end := bytes.IndexByte(b[off:], '\n')
		next := len(b)
		if end >= 0 {
			next = off + end + 1
			end = off + end
		} else {
			end = len(b)
		}
		line := string(b[off:end])
		lineOff := off
		// systemd: a backslash at the end joins the next line (at the end
		// of the file it is dropped).
		for syntax == systemdUnit && strings.HasSuffix(strings.TrimRight(line, blanks), "\\") {
			line = strings.TrimSuffix(strings.TrimRight(line, blanks), "\\") + " "
			if next >= len(b) {
				break
			}
			e := bytes.IndexByte(b[next:], '\n')
			if e < 0 {
				line += string(b[next:])
				next = len(b)
				continue
			}
			line += string(b[next : next+e])
			next += e + 1
		}
		off = next
		t := strings.Trim(line, blanks)
		switch {
		case t == "" || t[0] == '#' || syntax == systemdUnit && t[0] == ';':
			continue
		case t[0] == '[':
			if t[len(t)-1] != ']' || len(t) < 3 {
				return &ParseError{Type: typ, Offset: lineOff, Err: errSyntax("slaac: %q: a section header is [NAME]", t)}
			}
			section = t[1 : len(t)-1]
			continue
		}
		k, v, ok := strings.Cut(t, "=")
		k = strings.Trim(k, blanks)
		if !ok || k == "" {
			return &ParseError{Type: typ, Offset: lineOff, Err: errSyntax("slaac: %q: want KEY=VALUE, [SECTION] or a comment", t)}
		}
		if section == "" {
			return &ParseError{Type: typ, Offset: lineOff, Err: errSyntax("slaac: %q: key outside any [SECTION]", t)}
		}
		v = strings.TrimLeft(v, " \t")
		if syntax == glibKeyfile {
			v = glibUnescape(v)
		} else {
			v = strings.Trim(v, blanks)
		}
		// The '=' is on the line's first physical line: t starts there.
		valueOff := lineOff
		if eq := bytes.IndexByte(b[lineOff:], '='); eq >= 0 {
			valueOff += eq + 1
			for valueOff < len(b) && (b[valueOff] == ' ' || b[valueOff] == '\t') {
				valueOff++
			}
		}
		if err := fn(section, k, v, valueOff); err != nil {
			return err
		}
	}
	return nil
}

// glibUnescape undoes GKeyFile's value escapes (g_key_file_parse_value_as_string):
// \s space, \n, \t, \r, \\; an unknown escape keeps the backslash.
func glibUnescape(v string) string {
	if !strings.Contains(v, "\\") {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' || i+1 == len(v) {
			b.WriteByte(v[i])
			continue
		}
		i++
		switch v[i] {
		case 's':
			b.WriteByte(' ')
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\':
			b.WriteByte('\\')
		default:
			b.WriteByte('\\')
			b.WriteByte(v[i])
		}
	}
	return b.String()
}

// glibEscape is the inverse of glibUnescape, as g_key_file_set_string
// writes a value: a leading space as \s, control characters and
// backslashes escaped.
func glibEscape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == ' ' && (i == 0 || i == len(v)-1):
			b.WriteString(`\s`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\\':
			b.WriteString(`\\`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
