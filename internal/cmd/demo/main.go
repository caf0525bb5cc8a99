// Command demo is `make demo`: on a local control plane it applies the ML
// inference stack example (KEDA itself and every scaler of the KEDA ML setup
// guide) through the locally built provider, with RabbitMQ, Prometheus and a
// DCGM-style metrics page on loopback for the scalers to read, runs KEDA's
// operator, and shows KEDA scaling: a queue worker woken from zero by
// published messages and put back to zero, a ScaledJob starting Jobs. It
// stops everything on exit; with -keep it stays up until interrupted or
// `make demo-down`.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
)

func main() {
	keep := flag.Bool("keep", false, "keep everything running until interrupted or `make demo-down`")
	provider := flag.String("provider-dir", "bin", "directory of the terraform-provider-keda binary to run through dev_overrides")
	flag.Parse()
	log.SetFlags(0)
	root, err := os.Getwd()
	if err != nil {
		log.Fatal("demo: ", err)
	}
	providerDir, err := filepath.Abs(*provider)
	if err != nil {
		log.Fatal("demo: ", err)
	}
	if err := os.MkdirAll(filepath.Dir(pidFile()), 0o755); err != nil {
		log.Fatal("demo: ", err)
	}
	if err := os.WriteFile(pidFile(), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		log.Fatal("demo: ", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	opts := defaultOptions(root, providerDir)
	opts.keep = *keep
	opts.live = isTerminal(os.Stdout)
	_, err = run(ctx, opts)
	stop()
	_ = os.Remove(pidFile())
	if err != nil {
		log.Fatal("demo: ", err)
	}
}

// pidFile is where a running demo is found by `make demo-down`.
func pidFile() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "terraform-provider-keda", "demo.pid")
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
