package lxdprofile

import (
	"slices"
	"unicode"

	"gopkg.in/yaml.v2"
)

// keyLess is the order in which yaml.v2 (and so lxc) writes string map keys:
// runs of digits compare as numbers ("eth2" before "eth10"), letters before
// other characters.
func keyLess(a, b string) bool {
	ar, br := []rune(a), []rune(b)
	for i := 0; i < len(ar) && i < len(br); i++ {
		if ar[i] == br[i] {
			continue
		}
		al, bl := unicode.IsLetter(ar[i]), unicode.IsLetter(br[i])
		if al && bl {
			return ar[i] < br[i]
		}
		if al || bl {
			return bl
		}
		var an, bn int64
		if ar[i] == '0' || br[i] == '0' {
			for j := i - 1; j >= 0 && unicode.IsDigit(ar[j]); j-- {
				if ar[j] != '0' {
					an, bn = 1, 1
					break
				}
			}
		}
		ai, bi := i, i
		for ; ai < len(ar) && unicode.IsDigit(ar[ai]); ai++ {
			an = an*10 + int64(ar[ai]-'0')
		}
		for ; bi < len(br) && unicode.IsDigit(br[bi]); bi++ {
			bn = bn*10 + int64(br[bi]-'0')
		}
		if an != bn {
			return an < bn
		}
		if ai != bi {
			return ai < bi
		}
		return ar[i] < br[i]
	}
	return len(ar) < len(br)
}

// sortedKeys returns m's keys in yaml.v2's order. yaml.v2 sorts with
// sort.Sort, whose result depends on the map's random order when the order
// is not transitive (odd keys such as "000A" and "002A1"); sorting plainly
// first and then stably makes the output the same every time.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	slices.SortStableFunc(keys, func(a, b string) int {
		switch {
		case keyLess(a, b):
			return -1
		case keyLess(b, a):
			return 1
		}
		return 0
	})
	return keys
}

// ordered returns m for yaml.v2 with its keys in a fixed order; an empty map
// stays a map so that it prints as {}.
func ordered(m map[string]string) any {
	if len(m) == 0 {
		return map[string]string{}
	}
	out := make(yaml.MapSlice, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, yaml.MapItem{Key: k, Value: m[k]})
	}
	return out
}

// orderedDevices is ordered for the devices map.
func orderedDevices(m map[string]Device) any {
	if len(m) == 0 {
		return map[string]string{}
	}
	out := make(yaml.MapSlice, 0, len(m))
	for _, k := range sortedKeys(m) {
		out = append(out, yaml.MapItem{Key: k, Value: ordered(m[k])})
	}
	return out
}
