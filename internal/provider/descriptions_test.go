package provider

import (
	"context"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// kedaField is how a description names where a value goes: a backticked
// field of KEDA's objects (`spec.pollingInterval`, `queueName`), an
// annotation, or a Kubernetes field (`spec.template.spec.tolerations`).
var kedaField = regexp.MustCompile("`[a-z][A-Za-z0-9]*[A-Z.\\[][A-Za-z0-9.\\[\\]]*`|`[a-z]+`|annotation `|(?i:default)")

// Every attribute of the ScaledObject, ScaledJob and TriggerAuthentication
// resources says, besides what it does, the KEDA field it sets or its
// default, so that a reader can go from the docs to KEDA's and back.
func TestDescriptions_nameTheKEDAFieldOrDefault(t *testing.T) {
	ctx := context.Background()
	kinds := map[string]bool{"keda_ml_scaled_object": true, "keda_ml_scaled_job": true,
		"keda_trigger_authentication": true, "keda_cluster_trigger_authentication": true,
		"keda_installation": true}
	var missing []string
	for _, newResource := range New("test")().Resources(ctx) {
		r := newResource()
		var meta resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "keda"}, &meta)
		if !kinds[meta.TypeName] {
			continue
		}
		var resp resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &resp)
		var walk func(at string, attrs map[string]schema.Attribute, blocks map[string]schema.Block)
		walk = func(at string, attrs map[string]schema.Attribute, blocks map[string]schema.Block) {
			for name, a := range attrs {
				if name == "id" || at == meta.TypeName+".timeouts" || a.IsComputed() && !a.IsOptional() {
					continue
				}
				if d := a.GetMarkdownDescription(); !kedaField.MatchString(d) {
					missing = append(missing, at+"."+name+": "+d)
				}
			}
			for name, b := range blocks {
				switch b := b.(type) {
				case schema.SingleNestedBlock:
					walk(at+"."+name, b.Attributes, b.Blocks)
				case schema.ListNestedBlock:
					walk(at+"."+name, b.NestedObject.Attributes, b.NestedObject.Blocks)
				}
			}
		}
		walk(meta.TypeName, resp.Schema.Attributes, resp.Schema.Blocks)
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%d attributes name neither their KEDA field nor a default:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}
