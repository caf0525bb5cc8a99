// Command terraform-provider-keda serves the KEDA Terraform provider.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/kedaml/terraform-provider-keda/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	quietUnlessLogging()
	defer profileCPU()()

	server, err := provider.NewServer(version)()
	if err != nil {
		log.Fatal(err)
	}
	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err = tf6server.Serve("registry.terraform.io/kedaml/keda", func() tfprotov6.ProviderServer { return server }, opts...)
	if err != nil {
		log.Fatal(err)
	}
}

// cpuProfileDirEnv names a directory where each provider process writes its
// CPU profile (cpu-<pid>.pprof) when Terraform stops it: make bench reads
// them to say where the provider's time goes.
const cpuProfileDirEnv = "KEDA_PROVIDER_CPUPROFILE_DIR"

func profileCPU() (stop func()) {
	dir := os.Getenv(cpuProfileDirEnv)
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
	if err != nil {
		log.Printf("%s: %v", cpuProfileDirEnv, err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Printf("%s: %v", cpuProfileDirEnv, err)
		_ = f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}

// logLevelVars are the variables that set the provider's log levels.
var logLevelVars = []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_KEDA", "TF_LOG_SDK", "TF_LOG_SDK_PROTO",
	"TF_LOG_SDK_FRAMEWORK"}

// quietUnlessLogging turns the provider's logs off when no log level is set.
// terraform-plugin-go then defaults to TRACE: every request would format
// dozens of JSON log lines that Terraform, logging nothing, throws away —
// a third of the provider's CPU time when planning hundreds of objects.
// With TF_LOG (or any level variable) set, logging works as usual.
func quietUnlessLogging() {
	for _, v := range logLevelVars {
		if os.Getenv(v) != "" {
			return
		}
	}
	for _, v := range logLevelVars[1:] {
		os.Setenv(v, "OFF")
	}
}
