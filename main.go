// Command terraform-provider-keda serves the KEDA Terraform provider.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/kedaml/terraform-provider-keda/internal/provider"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()
	quietUnlessLogging()
	collectGarbageLessOften()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/kedaml/keda",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err)
	}
}

// collectGarbageLessOften sets the garbage collector's target to 400% unless
// GOGC is set. The provider lives for one Terraform command and allocates
// mostly short-lived request data; at Go's default of 100% the collector took
// a fifth of its CPU time in an apply of hundreds of objects, for a heap of a
// few tens of MiB (BENCHMARKS.md reports the peak RSS).
func collectGarbageLessOften() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
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
