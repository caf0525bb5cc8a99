package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kedaml/terraform-provider-keda/internal/keda"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// What the two data sources share: which object to read (metadata.name and
// metadata.namespace, as in hashicorp/kubernetes' data sources), the read
// timeout, and the object's metadata as it is.

func dataMetadataBlock(kind string) dschema.SingleNestedBlock {
	return dschema.SingleNestedBlock{
		MarkdownDescription: "Required. Which " + kind + " to read, and its metadata.",
		Validators:          []validator.Object{objectvalidator.IsRequired()},
		Attributes: map[string]dschema.Attribute{
			"name": dschema.StringAttribute{
				Required: true, MarkdownDescription: "Name of the " + kind + ".",
				Validators: []validator.String{validators.KubeName(validators.DNSSubdomain)},
			},
			"namespace": dschema.StringAttribute{
				Optional: true, Computed: true, MarkdownDescription: "Namespace of the " + kind + ". Default: `default`.",
				Validators: []validator.String{validators.KubeName(validators.DNSLabel)},
			},
			"labels": dschema.MapAttribute{
				Computed: true, ElementType: types.StringType,
				MarkdownDescription: "All labels of the object, those KEDA's operator adds included.",
			},
			"annotations": dschema.MapAttribute{
				Computed: true, ElementType: types.StringType, MarkdownDescription: "All annotations of the object.",
			},
			"uid": dschema.StringAttribute{Computed: true, MarkdownDescription: "The UID Kubernetes gave the object."},
		},
	}
}

// dataAttributes are the computed attributes of a data source for a kind
// whose resource has the given attributes and blocks, with its id.
func dataAttributes(kind string, attrs map[string]rschema.Attribute, blocks map[string]rschema.Block, diags *diag.Diagnostics) map[string]dschema.Attribute {
	out, err := computedAttributes(attrs, blocks)
	if err != nil {
		diags.AddError("Invalid data source schema", "This is a bug in the provider: "+err.Error())
		return nil
	}
	out["id"] = dschema.StringAttribute{Computed: true, MarkdownDescription: "`namespace/name` of the " + kind + "."}
	return out
}

func dataBlocks(ctx context.Context, kind string) map[string]dschema.Block {
	return map[string]dschema.Block{
		"metadata": dataMetadataBlock(kind),
		"timeouts": timeouts.Block(ctx),
	}
}

// dataTarget is the namespace and name a data source's configuration names.
func dataTarget(m *keda.MetadataModel) (namespace, name string) {
	namespace = m.Namespace.ValueString()
	if m.Namespace.IsNull() || namespace == "" {
		namespace = "default"
	}
	return namespace, m.Name.ValueString()
}

// flattenDataMetadata is the metadata as it is, every label and annotation
// included: a data source manages none of them.
func flattenDataMetadata(om metav1.ObjectMeta) *keda.MetadataModel {
	return &keda.MetadataModel{
		Name: types.StringValue(om.Name), Namespace: types.StringValue(om.Namespace),
		Labels: stringMapValue(om.Labels), Annotations: stringMapValue(om.Annotations), UID: types.StringValue(string(om.UID)),
	}
}

func stringMapValue(m map[string]string) types.Map {
	if len(m) == 0 {
		return types.MapNull(types.StringType)
	}
	v, _ := types.MapValueFrom(context.Background(), types.StringType, m)
	return v
}

// readData reads the object a data source names, within its read timeout.
// ok is false when an error was reported; a missing object is one.
func readData[T any](ctx context.Context, resp *datasource.ReadResponse, kind string,
	objects func(namespace string) (kube.Objects[T], error), m *keda.MetadataModel, t timeouts.Value) (obj T, ok bool) {
	timeout, d := t.Read(ctx, defaultTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ns, name := dataTarget(m)
	api, err := objects(ns)
	if err == nil {
		obj, err = api.Get(ctx, name)
	}
	switch {
	case kube.IsNotFound(err):
		resp.Diagnostics.AddError(kind+" not found", "There is no "+kind+" "+ns+"/"+name+" in the cluster.")
		return obj, false
	case err != nil:
		resp.Diagnostics.Append(apiError("Failed to read "+kind, err))
		return obj, false
	}
	return obj, true
}
