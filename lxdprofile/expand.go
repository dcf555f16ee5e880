package lxdprofile

import "maps"

// Expand returns an instance's expanded config and devices the way the LXD
// daemon computes them (expandConfig and expandDevices): the profiles in the
// order the instance lists them, a later profile's config key or device
// replacing an earlier one's (a device is replaced whole, never merged key by
// key), and the instance's own config and devices last. The inputs are not
// changed.
func Expand(profiles []Profile, config map[string]string, devices map[string]Device) (map[string]string, map[string]Device) {
	cfg := map[string]string{}
	devs := map[string]Device{}
	for _, p := range profiles {
		maps.Copy(cfg, p.Config)
		for name, d := range p.Devices {
			devs[name] = maps.Clone(d)
		}
	}
	maps.Copy(cfg, config)
	for name, d := range devices {
		devs[name] = maps.Clone(d)
	}
	return cfg, devs
}
