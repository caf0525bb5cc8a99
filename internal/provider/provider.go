// Package provider is the Terraform side of the provider: schemas, models
// and CRUD methods that hand work to internal/keda (conversion, validation)
// and internal/kube (the Kubernetes API).
package provider

import (
	"context"
	"os"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/kedaml/terraform-provider-keda/internal/keda"
	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

var _ provider.Provider = (*kedaProvider)(nil)

type kedaProvider struct {
	version string
	// client is what Configure gave the resources, for the fast path.
	client atomic.Pointer[kube.Client]
}

// configuredClient is the client Configure made, or nil before Configure.
func (p *kedaProvider) configuredClient() *kube.Client { return p.client.Load() }

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &kedaProvider{version: version}
	}
}

type providerModel struct {
	ConfigPath            types.String `tfsdk:"config_path"`
	ConfigPaths           types.List   `tfsdk:"config_paths"`
	ConfigContext         types.String `tfsdk:"config_context"`
	ConfigContextAuthInfo types.String `tfsdk:"config_context_auth_info"`
	ConfigContextCluster  types.String `tfsdk:"config_context_cluster"`
	Host                  types.String `tfsdk:"host"`
	Username              types.String `tfsdk:"username"`
	Password              types.String `tfsdk:"password"`
	Token                 types.String `tfsdk:"token"`
	Insecure              types.Bool   `tfsdk:"insecure"`
	TLSServerName         types.String `tfsdk:"tls_server_name"`
	ClientCertificate     types.String `tfsdk:"client_certificate"`
	ClientKey             types.String `tfsdk:"client_key"`
	ClusterCACertificate  types.String `tfsdk:"cluster_ca_certificate"`
	ProxyURL              types.String `tfsdk:"proxy_url"`
	QPS                   types.Int64  `tfsdk:"qps"`
	Burst                 types.Int64  `tfsdk:"burst"`
	FieldConflicts        types.String `tfsdk:"field_conflicts"`
	Exec                  []execModel  `tfsdk:"exec"`
}

type execModel struct {
	APIVersion types.String `tfsdk:"api_version"`
	Command    types.String `tfsdk:"command"`
	Args       types.List   `tfsdk:"args"`
	Env        types.Map    `tfsdk:"env"`
}

func (p *kedaProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "keda"
	resp.Version = p.version
}

func (p *kedaProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages KEDA and its autoscaling objects. Configured exactly like the " +
			"`hashicorp/kubernetes` provider, with the same attributes and environment variables. " +
			"Nothing is sent to the cluster until a resource needs it, so the provider can be configured " +
			"from a cluster created in the same apply.",
		Attributes: map[string]schema.Attribute{
			"config_path": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Path to a kubeconfig file. Environment: `KUBE_CONFIG_PATH`.",
				Validators:          []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("config_paths"))},
			},
			"config_paths": schema.ListAttribute{
				Optional:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "Kubeconfig files merged in order, as `KUBECONFIG` does. Environment: `KUBE_CONFIG_PATHS` (separated by `:`, `;` on Windows).",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
			},
			"config_context":           optionalString("Context to use from the kubeconfig. Environment: `KUBE_CTX`."),
			"config_context_auth_info": optionalString("User (auth info) to use from the kubeconfig. Environment: `KUBE_CTX_AUTH_INFO`."),
			"config_context_cluster":   optionalString("Cluster to use from the kubeconfig. Environment: `KUBE_CTX_CLUSTER`."),
			"host":                     optionalString("The Kubernetes API server address, e.g. `https://10.0.0.1:6443`. Environment: `KUBE_HOST`."),
			"username":                 optionalString("Username for HTTP basic authentication. Environment: `KUBE_USER`."),
			"password":                 sensitiveString("Password for HTTP basic authentication. Environment: `KUBE_PASSWORD`."),
			"token":                    sensitiveString("Bearer token. Environment: `KUBE_TOKEN`."),
			"insecure": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Skip verification of the server's certificate. Environment: `KUBE_INSECURE`.",
			},
			"tls_server_name":        optionalString("Server name used to verify the server's certificate. Environment: `KUBE_TLS_SERVER_NAME`."),
			"client_certificate":     optionalString("PEM client certificate. Environment: `KUBE_CLIENT_CERT_DATA`."),
			"client_key":             sensitiveString("PEM key of the client certificate. Environment: `KUBE_CLIENT_KEY_DATA`."),
			"cluster_ca_certificate": optionalString("PEM CA bundle that signs the server's certificate. Environment: `KUBE_CLUSTER_CA_CERT_DATA`."),
			"proxy_url":              optionalString("Proxy to reach the API server through. Environment: `KUBE_PROXY_URL`."),
			"qps": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Client-side limit of API requests per second. " +
					"Default: `500`, high enough that an apply of hundreds of objects is never throttled by the client.",
				Validators: []validator.Int64{int64validator.AtLeast(1)},
			},
			"burst": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Client-side burst of API requests above `qps`. Default: `1000`.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)},
			},
			"field_conflicts": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "What an apply does when a field the configuration sets has been changed since by another " +
					"field manager (`kubectl edit`, a controller, a person): " + keda.EnumDescription(kube.ConflictPolicies...) +
					". `take_back` (default) writes the configured value again, owns the field again and warns, naming the " +
					"other manager; `error` writes nothing and fails, naming the fields and their managers. Fields the " +
					"configuration does not set are never touched either way.",
				Validators: []validator.String{keda.OneOf(kube.ConflictPolicies...)},
			},
		},
		Blocks: map[string]schema.Block{
			"exec": schema.ListNestedBlock{
				MarkdownDescription: "A credential plugin that prints an `ExecCredential`, e.g. `aws eks get-token`.",
				Validators:          []validator.List{listvalidator.SizeAtMost(1)},
				NestedObject: schema.NestedBlockObject{
					Attributes: map[string]schema.Attribute{
						"api_version": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "API version of the `ExecCredential` the plugin prints, e.g. `client.authentication.k8s.io/v1beta1`.",
						},
						"command": schema.StringAttribute{
							Required:            true,
							MarkdownDescription: "The command to run.",
						},
						"args": schema.ListAttribute{
							Optional:            true,
							ElementType:         types.StringType,
							MarkdownDescription: "Its arguments.",
						},
						"env": schema.MapAttribute{
							Optional:            true,
							ElementType:         types.StringType,
							MarkdownDescription: "Extra environment variables for the command.",
						},
					},
				},
			},
		},
	}
}

func optionalString(description string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, MarkdownDescription: description}
}

func sensitiveString(description string) schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: description}
}

func (p *kedaProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg, unknown := m.kubeConfig(ctx)
	cfg = cfg.WithEnvDefaults(os.Getenv)
	cfg.UserAgent = "terraform-provider-keda/" + p.version
	client := kube.NewClient(cfg, unknown)
	resp.ResourceData = client
	resp.DataSourceData = client
	p.client.Store(client)
}

// kubeConfig converts the provider block; unknown reports whether any value
// is not known yet (planning against a cluster created in the same apply).
func (m providerModel) kubeConfig(ctx context.Context) (cfg kube.Config, unknown bool) {
	str := func(v types.String) string {
		if v.IsUnknown() {
			unknown = true
		}
		return v.ValueString()
	}
	if !m.ConfigPath.IsNull() {
		cfg.ConfigPaths = []string{str(m.ConfigPath)}
	}
	if m.ConfigPaths.IsUnknown() {
		unknown = true
	} else {
		var paths []string
		m.ConfigPaths.ElementsAs(ctx, &paths, false)
		cfg.ConfigPaths = append(cfg.ConfigPaths, paths...)
	}
	cfg.ConfigContext = str(m.ConfigContext)
	cfg.ConfigContextAuthInfo = str(m.ConfigContextAuthInfo)
	cfg.ConfigContextCluster = str(m.ConfigContextCluster)
	cfg.Host = str(m.Host)
	cfg.Username = str(m.Username)
	cfg.Password = str(m.Password)
	cfg.Token = str(m.Token)
	cfg.TLSServerName = str(m.TLSServerName)
	cfg.ClientCertificate = str(m.ClientCertificate)
	cfg.ClientKey = str(m.ClientKey)
	cfg.ClusterCACertificate = str(m.ClusterCACertificate)
	cfg.ProxyURL = str(m.ProxyURL)
	if m.Insecure.IsUnknown() {
		unknown = true
	} else if !m.Insecure.IsNull() {
		v := m.Insecure.ValueBool()
		cfg.Insecure = &v
	}
	if m.QPS.IsUnknown() || m.Burst.IsUnknown() {
		unknown = true
	}
	cfg.QPS = float32(m.QPS.ValueInt64())
	cfg.Burst = int(m.Burst.ValueInt64())
	cfg.FieldConflicts = kube.ConflictPolicy(str(m.FieldConflicts))
	for _, e := range m.Exec {
		exec := &kube.ExecConfig{APIVersion: str(e.APIVersion), Command: str(e.Command)}
		if e.Args.IsUnknown() || e.Env.IsUnknown() {
			unknown = true
		}
		e.Args.ElementsAs(ctx, &exec.Args, false)
		e.Env.ElementsAs(ctx, &exec.Env, false)
		cfg.Exec = exec
	}
	return cfg, unknown
}

func (p *kedaProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewTriggerAuthenticationResource,
		NewClusterTriggerAuthenticationResource,
		NewScaledObjectResource,
		NewScaledJobResource,
		NewInstallationResource,
	}
}

func (p *kedaProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewInstallationDataSource,
		NewScaledObjectDataSource,
		NewScaledJobDataSource,
	}
}
