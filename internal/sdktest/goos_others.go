//go:build !linux

package sdktest

const isLinux = false
