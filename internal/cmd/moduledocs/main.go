// Command moduledocs writes the inputs, outputs and requirements of a
// Terraform module into its README.md, between the markers
// <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS -->, as terraform-docs does:
// the tables come from the module's .tf files, so they cannot drift from
// them. `make generate` runs it on examples/modules/*.
//
// usage: go run ./internal/cmd/moduledocs [-check] DIR...
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

func main() {
	check := flag.Bool("check", false, "fail when a README differs from what would be generated, instead of writing it")
	flag.Parse()
	log.SetFlags(0)
	if flag.NArg() == 0 {
		log.Fatal("usage: moduledocs [-check] DIR...")
	}
	failed := false
	for _, dir := range flag.Args() {
		path := filepath.Join(dir, "README.md")
		current, err := os.ReadFile(path)
		if err != nil {
			log.Fatal(err)
		}
		want, err := UpdateReadme(dir, string(current))
		if err != nil {
			log.Fatalf("%s: %v", dir, err)
		}
		switch {
		case want == string(current):
		case *check:
			fmt.Fprintf(os.Stderr, "%s is out of date: run `make generate`\n", path)
			failed = true
		default:
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				log.Fatal(err)
			}
		}
	}
	if failed {
		os.Exit(1)
	}
}
