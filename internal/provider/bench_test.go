package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Terraform asks a freshly started provider for its schema on every
// command: what that costs is part of each plan and apply.
func BenchmarkProviderSchema(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		server := providerserver.NewProtocol6(New("bench")())()
		resp, err := server.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
		if err != nil || len(resp.ResourceSchemas) != 5 {
			b.Fatalf("schema: %v, %d resources", err, len(resp.ResourceSchemas))
		}
	}
}
