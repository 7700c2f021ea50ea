//go:build !pprofdebug

package main

// pprofWarning says that TOTTO_PPROF asks for profiles this binary cannot serve: only a build
// with -tags pprofdebug reads it (pprof_debug.go), and a variable silently ignored would leave
// an operator waiting on a listener that never opens.
func pprofWarning(getenv func(string) string) string {
	if getenv("TOTTO_PPROF") == "" {
		return ""
	}
	return "TOTTO_PPROF is set, but this binary was built without -tags pprofdebug and serves no profiles: build with `go build -tags pprofdebug ./cmd/totto` or unset it"
}
