//go:build linux

package labcmd

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"strings"
)

// svgHost is one box of the picture.
type svgHost struct {
	Title string   // role and label
	Lines []string // MAC, vendor, addresses, techniques
}

// hostBoxes describes every host for the picture: its MAC, what was found
// about it, and its addresses as the kernel formed them.
func hostBoxes(n *network) []svgHost {
	var boxes []svgHost
	for _, h := range n.all() {
		b := svgHost{Title: fmt.Sprintf("%s — %s", h.Role, h.Label)}
		b.Lines = append(b.Lines, "MAC "+h.MAC.String())
		if v := n.foundFor(h.MAC.String()); v != "" {
			b.Lines = append(b.Lines, v)
		}
		stable, temporary, err := stableAddrs(h)
		if err == nil {
			for _, a := range stable {
				b.Lines = append(b.Lines, a.String())
			}
			for _, a := range temporary {
				b.Lines = append(b.Lines, a.String()+" (temporary)")
			}
		}
		boxes = append(boxes, b)
	}
	return boxes
}

// renderSVG draws the lab: the upstream router and the LAN router at the
// top, the LAN as a bus, a box per host below it.
func renderSVG(n *network) []byte {
	boxes := hostBoxes(n)
	const boxW, gap, top = 390, 20, 220
	maxLines := 0
	for _, b := range boxes {
		maxLines = max(maxLines, len(b.Lines))
	}
	boxH := 40 + 16*maxLines
	width := gap + len(boxes)*(boxW+gap)
	height := top + 60 + boxH + gap

	var w bytes.Buffer
	esc := func(s string) string {
		var b strings.Builder
		_ = xml.EscapeText(&b, []byte(s))
		return b.String()
	}
	fmt.Fprintf(&w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	fmt.Fprintf(&w, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="monospace" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&w, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&w, `<text x="%d" y="24" font-size="16">v6kit lab %s</text>`+"\n", gap, esc(n.l.ID))
	router := func(x, y int, title string, lines ...string) {
		fmt.Fprintf(&w, `<rect x="%d" y="%d" width="%d" height="%d" rx="8" fill="#e8f0ff" stroke="#3060c0"/>`+"\n", x, y, boxW, 30+16*len(lines))
		fmt.Fprintf(&w, `<text x="%d" y="%d" font-weight="bold">%s</text>`+"\n", x+10, y+20, esc(title))
		for i, l := range lines {
			fmt.Fprintf(&w, `<text x="%d" y="%d">%s</text>`+"\n", x+10, y+38+16*i, esc(l))
		}
	}
	router(gap, 40, "upstream router", "transit "+upstreamLL.String(), "announces "+upstreamPrefix.String())
	router(gap+boxW+gap, 40, "LAN router", "LAN "+lanPrefix.String(), "ULA "+lanULA.String(), "PREF64 "+pref64.String(), "IPv4 "+routerLANv4.String())
	// transit link and the LAN bus
	fmt.Fprintf(&w, `<line x1="%d" y1="70" x2="%d" y2="70" stroke="#888" stroke-width="2"/>`+"\n", gap+boxW, gap+boxW+gap)
	busY := top
	fmt.Fprintf(&w, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333" stroke-width="4"/>`+"\n", gap, busY, width-gap, busY)
	fmt.Fprintf(&w, `<text x="%d" y="%d">LAN (bridge)</text>`+"\n", gap, busY-8)
	fmt.Fprintf(&w, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333" stroke-width="2"/>`+"\n", gap+boxW+gap+boxW/2, 140, gap+boxW+gap+boxW/2, busY)
	for i, b := range boxes {
		x := gap + i*(boxW+gap)
		y := busY + 40
		fmt.Fprintf(&w, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333" stroke-width="2"/>`+"\n", x+boxW/2, busY, x+boxW/2, y)
		fmt.Fprintf(&w, `<rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="#f4f4f4" stroke="#555"/>`+"\n", x, y, boxW, boxH)
		fmt.Fprintf(&w, `<text x="%d" y="%d" font-weight="bold">%s</text>`+"\n", x+8, y+18, esc(b.Title))
		for j, l := range b.Lines {
			fmt.Fprintf(&w, `<text x="%d" y="%d">%s</text>`+"\n", x+8, y+38+16*j, esc(l))
		}
	}
	fmt.Fprintln(&w, `</svg>`)
	return w.Bytes()
}

func writeSVG(path string, n *network) error {
	if err := os.WriteFile(path, renderSVG(n), 0o644); err != nil {
		return fmt.Errorf("lab: svg: %w", err)
	}
	return nil
}
