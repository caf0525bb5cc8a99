package provider

import (
	"context"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The types pinned by withFixedTypes must be exactly those Terraform derives
// from the schema the provider reports: any difference would corrupt plans
// and state.
func TestFixedTypesMatchTheReportedSchema(t *testing.T) {
	ctx := context.Background()
	p := New("test")()
	server := providerserver.NewProtocol6(p)()
	reported, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var md resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "keda"}, &md)
		var s resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &s)
		t.Run(md.TypeName, func(t *testing.T) {
			want := reported.ResourceSchemas[md.TypeName].ValueType()
			if got := s.Schema.Type().TerraformType(ctx); !got.Equal(want) {
				t.Errorf("pinned type differs from the reported schema:\n got %s\nwant %s", got, want)
			}
		})
	}
}

func TestSameModel(t *testing.T) {
	type inner struct {
		S types.String `tfsdk:"s"`
	}
	type model struct {
		F types.Float64 `tfsdk:"f"`
		M types.Map     `tfsdk:"m"`
		P *inner        `tfsdk:"p"`
		L []inner       `tfsdk:"l"`
	}
	exactFive := types.Float64Value(5)
	// The same number as a state decodes it: a big.Float of another precision.
	decoded, err := types.Float64Type.ValueFromTerraform(context.Background(),
		tftypes.NewValue(tftypes.Number, new(big.Float).SetPrec(512).SetInt64(5)))
	if err != nil {
		t.Fatal(err)
	}
	wideFive := decoded.(types.Float64)
	labels := func(v string) types.Map {
		return types.MapValueMust(types.StringType, map[string]attr.Value{"team": types.StringValue(v)})
	}
	base := func() model {
		return model{F: exactFive, M: labels("ml"), P: &inner{S: types.StringValue("a")}, L: []inner{{S: types.StringValue("b")}}}
	}
	tests := []struct {
		name   string
		change func(*model)
		same   bool
	}{
		{"identical", func(*model) {}, true},
		{"the same number held differently", func(m *model) { m.F = wideFive }, true},
		{"another number", func(m *model) { m.F = types.Float64Value(6) }, false},
		{"null number", func(m *model) { m.F = types.Float64Null() }, false},
		{"map value changed", func(m *model) { m.M = labels("cv") }, false},
		{"nested string changed", func(m *model) { m.P = &inner{S: types.StringValue("z")} }, false},
		{"nested block removed", func(m *model) { m.P = nil }, false},
		{"list element changed", func(m *model) { m.L = []inner{{S: types.StringValue("z")}} }, false},
		{"list element added", func(m *model) { m.L = append(m.L, inner{}) }, false},
		{"list removed", func(m *model) { m.L = nil }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := base(), base()
			tc.change(&b)
			if got := sameModel(reflect.ValueOf(a), reflect.ValueOf(b)); got != tc.same {
				t.Errorf("sameModel = %v, want %v", got, tc.same)
			}
		})
	}
	empty, null := model{L: []inner{}}, model{}
	if sameModel(reflect.ValueOf(empty), reflect.ValueOf(null)) {
		t.Error("an empty list and a null list compared the same")
	}
}

// Every block the configuration must have says so first in its
// description: tfplugindocs lists every block under Optional.
func TestSchema_requiredBlocksSayRequired(t *testing.T) {
	ctx := context.Background()
	want := map[string]bool{
		"keda_ml_scaled_object.metadata": true, "keda_ml_scaled_object.scale_target_ref": true, "keda_ml_scaled_object.trigger": true,
		"keda_ml_scaled_job.metadata": true, "keda_ml_scaled_job.job_target_ref": true, "keda_ml_scaled_job.trigger": true,
		"keda_trigger_authentication.metadata": true, "keda_cluster_trigger_authentication.metadata": true,
	}
	p := New("test")()
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "keda"}, &meta)
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		var walk func(at string, blocks map[string]schema.Block)
		walk = func(at string, blocks map[string]schema.Block) {
			for name, b := range blocks {
				addr := at + "." + name
				desc := b.GetMarkdownDescription()
				required := false
				switch b := b.(type) {
				case schema.SingleNestedBlock:
					required = requiredBlock(b.Validators)
					walk(addr, b.Blocks)
				case schema.ListNestedBlock:
					required = requiredBlock(b.Validators)
					walk(addr, b.NestedObject.Blocks)
				}
				if required != strings.HasPrefix(desc, requiredMark) {
					t.Errorf("%s: required %v, description %q", addr, required, desc)
				}
				if want[addr] && !required {
					t.Errorf("%s is required but has no IsRequired validator", addr)
				}
				delete(want, addr)
			}
		}
		walk(meta.TypeName, resp.Schema.Blocks)
	}
	for addr := range want {
		t.Errorf("%s: no such block", addr)
	}
}
