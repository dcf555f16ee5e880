package sdktest

const isLinux = true
