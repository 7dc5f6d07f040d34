package main

import (
	"context"
	"fmt"
	"runtime"
)

// version is set at build time: -ldflags "-X main.version=...".
var version = "dev"

func init() {
	register(command{name: "version", summary: "Version anzeigen", run: runVersion})
}

func runVersion(ctx context.Context, args []string, e env) error {
	fs := newFlags("version", "Zeigt die Version von ipoint.", e)
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "ipoint %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
