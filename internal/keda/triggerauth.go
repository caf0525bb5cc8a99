package keda

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/objectvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"

	"github.com/kedaml/terraform-provider-keda/internal/validators"
)

// PodIdentityProviders are the identity providers KEDA v2.21 accepts.
var PodIdentityProviders = []v1alpha1.PodIdentityProvider{
	v1alpha1.PodIdentityProviderNone,
	v1alpha1.PodIdentityProviderAzureWorkload,
	v1alpha1.PodIdentityProviderGCP,
	v1alpha1.PodIdentityProviderAws,
	v1alpha1.PodIdentityProviderAwsEKS,
}

// IdentityOwner says whose identity KEDA uses with pod identity.
type IdentityOwner string

// Identity owners.
const (
	IdentityOwnerKEDA     IdentityOwner = "keda"
	IdentityOwnerWorkload IdentityOwner = "workload"
)

// IdentityOwners lists the accepted identity owners.
var IdentityOwners = []IdentityOwner{IdentityOwnerKEDA, IdentityOwnerWorkload}

// VaultAuthentications are the HashiCorp Vault login methods.
var VaultAuthentications = []v1alpha1.VaultAuthentication{
	v1alpha1.VaultAuthenticationToken,
	v1alpha1.VaultAuthenticationKubernetes,
}

// VaultSecretTypes are the Vault secret engines KEDA reads; unset is a
// generic key/value read.
var VaultSecretTypes = []v1alpha1.VaultSecretType{
	v1alpha1.VaultSecretTypeSecret,
	v1alpha1.VaultSecretTypeSecretV2,
	v1alpha1.VaultSecretTypePki,
}

// TriggerAuthSpecModel is the spec shared by keda_trigger_authentication and
// keda_cluster_trigger_authentication.
type TriggerAuthSpecModel struct {
	SecretTargetRef          []TargetRefModel            `tfsdk:"secret_target_ref"`
	ConfigMapTargetRef       []TargetRefModel            `tfsdk:"config_map_target_ref"`
	Env                      []AuthEnvModel              `tfsdk:"env"`
	BoundServiceAccountToken []BoundSATokenModel         `tfsdk:"bound_service_account_token"`
	FilePath                 types.String                `tfsdk:"file_path"`
	PodIdentity              *PodIdentityModel           `tfsdk:"pod_identity"`
	HashicorpVault           *VaultModel                 `tfsdk:"hashicorp_vault"`
	AzureKeyVault            *AzureKeyVaultModel         `tfsdk:"azure_key_vault"`
	AwsSecretManager         *AwsSecretManagerModel      `tfsdk:"aws_secret_manager"`
	GcpSecretManager         *GcpSecretManagerModel      `tfsdk:"gcp_secret_manager"`
	OAuth2                   *OAuth2Model                `tfsdk:"oauth2"`
	AzureServicePrincipal    *AzureServicePrincipalModel `tfsdk:"azure_service_principal"`
}

// TargetRefModel maps a trigger parameter to a key of a Secret or ConfigMap.
type TargetRefModel struct {
	Parameter types.String `tfsdk:"parameter"`
	Name      types.String `tfsdk:"name"`
	Key       types.String `tfsdk:"key"`
}

// AuthEnvModel maps a trigger parameter to an environment variable of the
// scale target's container.
type AuthEnvModel struct {
	Parameter     types.String `tfsdk:"parameter"`
	Name          types.String `tfsdk:"name"`
	ContainerName types.String `tfsdk:"container_name"`
}

// BoundSATokenModel maps a trigger parameter to a token of a service account.
type BoundSATokenModel struct {
	Parameter          types.String `tfsdk:"parameter"`
	ServiceAccountName types.String `tfsdk:"service_account_name"`
}

// PodIdentityModel is KEDA's AuthPodIdentity.
type PodIdentityModel struct {
	Provider              types.String `tfsdk:"provider"`
	IdentityID            types.String `tfsdk:"identity_id"`
	IdentityTenantID      types.String `tfsdk:"identity_tenant_id"`
	IdentityAuthorityHost types.String `tfsdk:"identity_authority_host"`
	RoleArn               types.String `tfsdk:"role_arn"`
	ExternalID            types.String `tfsdk:"external_id"`
	IdentityOwner         types.String `tfsdk:"identity_owner"`
}

// SecretKeyRefModel points at one key of a Secret.
type SecretKeyRefModel struct {
	Name types.String `tfsdk:"name"`
	Key  types.String `tfsdk:"key"`
}

// VaultModel is KEDA's HashiCorpVault.
type VaultModel struct {
	Address        types.String          `tfsdk:"address"`
	Authentication types.String          `tfsdk:"authentication"`
	Namespace      types.String          `tfsdk:"namespace"`
	Role           types.String          `tfsdk:"role"`
	Mount          types.String          `tfsdk:"mount"`
	Credential     *VaultCredentialModel `tfsdk:"credential"`
	Secret         []VaultSecretModel    `tfsdk:"secret"`
}

// VaultCredentialModel is KEDA's Vault Credential.
type VaultCredentialModel struct {
	Token              types.String `tfsdk:"token"`
	ServiceAccount     types.String `tfsdk:"service_account"`
	ServiceAccountName types.String `tfsdk:"service_account_name"`
}

// VaultSecretModel is one secret read from Vault.
type VaultSecretModel struct {
	Parameter types.String       `tfsdk:"parameter"`
	Path      types.String       `tfsdk:"path"`
	Key       types.String       `tfsdk:"key"`
	Type      types.String       `tfsdk:"type"`
	PkiData   *VaultPkiDataModel `tfsdk:"pki_data"`
}

// VaultPkiDataModel is the certificate request of a pki secret.
type VaultPkiDataModel struct {
	CommonName types.String `tfsdk:"common_name"`
	AltNames   types.String `tfsdk:"alt_names"`
	IPSans     types.String `tfsdk:"ip_sans"`
	URISans    types.String `tfsdk:"uri_sans"`
	OtherSans  types.String `tfsdk:"other_sans"`
	TTL        types.String `tfsdk:"ttl"`
	Format     types.String `tfsdk:"format"`
}

// AzureKeyVaultModel is KEDA's AzureKeyVault.
type AzureKeyVaultModel struct {
	VaultURI    types.String                   `tfsdk:"vault_uri"`
	Secret      []AzureKeyVaultSecretModel     `tfsdk:"secret"`
	Credentials *AzureKeyVaultCredentialsModel `tfsdk:"credentials"`
	PodIdentity *PodIdentityModel              `tfsdk:"pod_identity"`
	Cloud       *AzureKeyVaultCloudModel       `tfsdk:"cloud"`
}

// AzureKeyVaultSecretModel is one secret read from Azure Key Vault.
type AzureKeyVaultSecretModel struct {
	Parameter types.String `tfsdk:"parameter"`
	Name      types.String `tfsdk:"name"`
	Version   types.String `tfsdk:"version"`
}

// AzureKeyVaultCredentialsModel is a service principal whose secret is in a Secret.
type AzureKeyVaultCredentialsModel struct {
	ClientID     types.String       `tfsdk:"client_id"`
	TenantID     types.String       `tfsdk:"tenant_id"`
	ClientSecret *SecretKeyRefModel `tfsdk:"client_secret"`
}

// AzureKeyVaultCloudModel selects the Azure cloud.
type AzureKeyVaultCloudModel struct {
	Type                    types.String `tfsdk:"type"`
	KeyVaultResourceURL     types.String `tfsdk:"key_vault_resource_url"`
	ActiveDirectoryEndpoint types.String `tfsdk:"active_directory_endpoint"`
}

// AwsSecretManagerModel is KEDA's AwsSecretManager.
type AwsSecretManagerModel struct {
	Region      types.String                  `tfsdk:"region"`
	Secret      []AwsSecretManagerSecretModel `tfsdk:"secret"`
	Credentials *AwsCredentialsModel          `tfsdk:"credentials"`
	PodIdentity *PodIdentityModel             `tfsdk:"pod_identity"`
}

// AwsSecretManagerSecretModel is one secret read from AWS Secrets Manager.
type AwsSecretManagerSecretModel struct {
	Parameter    types.String `tfsdk:"parameter"`
	Name         types.String `tfsdk:"name"`
	VersionID    types.String `tfsdk:"version_id"`
	VersionStage types.String `tfsdk:"version_stage"`
	SecretKey    types.String `tfsdk:"secret_key"`
}

// AwsCredentialsModel are AWS keys kept in Secrets.
type AwsCredentialsModel struct {
	AccessKey       *SecretKeyRefModel `tfsdk:"access_key"`
	AccessSecretKey *SecretKeyRefModel `tfsdk:"access_secret_key"`
	AccessToken     *SecretKeyRefModel `tfsdk:"access_token"`
}

// GcpSecretManagerModel is KEDA's GCPSecretManager.
type GcpSecretManagerModel struct {
	Secret      []GcpSecretManagerSecretModel `tfsdk:"secret"`
	Credentials *GcpCredentialsModel          `tfsdk:"credentials"`
	PodIdentity *PodIdentityModel             `tfsdk:"pod_identity"`
}

// GcpSecretManagerSecretModel is one secret read from GCP Secret Manager.
type GcpSecretManagerSecretModel struct {
	Parameter types.String `tfsdk:"parameter"`
	ID        types.String `tfsdk:"id"`
	Version   types.String `tfsdk:"version"`
}

// GcpCredentialsModel is a service account key kept in a Secret.
type GcpCredentialsModel struct {
	ClientSecret *SecretKeyRefModel `tfsdk:"client_secret"`
}

// OAuth2Model is KEDA's OAuth2 client-credentials configuration.
type OAuth2Model struct {
	Type           types.String       `tfsdk:"type"`
	ClientID       types.String       `tfsdk:"client_id"`
	ClientSecret   *SecretKeyRefModel `tfsdk:"client_secret"`
	TokenURL       types.String       `tfsdk:"token_url"`
	Scopes         types.List         `tfsdk:"scopes"`
	TokenURLParams types.Map          `tfsdk:"token_url_params"`
}

// AzureServicePrincipalModel is KEDA's AzureServicePrincipal.
type AzureServicePrincipalModel struct {
	TenantID                  types.String       `tfsdk:"tenant_id"`
	ClientID                  types.String       `tfsdk:"client_id"`
	Cloud                     types.String       `tfsdk:"cloud"`
	ActiveDirectoryEndpoint   types.String       `tfsdk:"active_directory_endpoint"`
	ClientSecret              *SecretKeyRefModel `tfsdk:"client_secret"`
	ClientCertificate         *SecretKeyRefModel `tfsdk:"client_certificate"`
	ClientCertificatePassword *SecretKeyRefModel `tfsdk:"client_certificate_password"`
}

// TriggerAuthSpecAttributes is the spec's attributes; clusterScoped for a
// ClusterTriggerAuthentication.
func TriggerAuthSpecAttributes(clusterScoped bool) map[string]schema.Attribute {
	filePath := "A file in KEDA's operator pod holding the parameters as a JSON object of strings (`spec.filePath`), relative " +
		"to the operator's `--filepath-auth-root-path` and without `..`; KEDA then takes every parameter from it and " +
		"ignores the other sources but `pod_identity`."
	if !clusterScoped {
		filePath = "KEDA reads `spec.filePath` only from a ClusterTriggerAuthentication (use " +
			"`keda_cluster_trigger_authentication`): set here, every trigger using this authentication fails, so the plan refuses it."
	}
	return map[string]schema.Attribute{
		"file_path": optionalString(filePath),
	}
}

// TriggerAuthSpecBlocks is the spec's blocks, one per authentication source.
func TriggerAuthSpecBlocks() map[string]schema.Block {
	return map[string]schema.Block{
		"secret_target_ref": schema.ListNestedBlock{
			MarkdownDescription: "Take a trigger parameter (`spec.secretTargetRef`) from a key of a Secret in the object's namespace " +
				"(for the cluster-scoped kind: KEDA's namespace).",
			NestedObject: schema.NestedBlockObject{Attributes: targetRefAttributes("Secret", "spec.secretTargetRef[]")},
		},
		"config_map_target_ref": schema.ListNestedBlock{
			MarkdownDescription: "Take a trigger parameter from a key of a ConfigMap (`spec.configMapTargetRef`).",
			NestedObject:        schema.NestedBlockObject{Attributes: targetRefAttributes("ConfigMap", "spec.configMapTargetRef[]")},
		},
		"env": schema.ListNestedBlock{
			MarkdownDescription: "Take a trigger parameter from an environment variable of the scale target's container (`spec.env`).",
			NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"parameter":      requiredString("The trigger parameter, e.g. `host` (`spec.env[].parameter`)."),
				"name":           requiredString("The environment variable (`spec.env[].name`)."),
				"container_name": optionalString("The container (`spec.env[].containerName`); default: the first one."),
			}},
		},
		"bound_service_account_token": schema.ListNestedBlock{
			MarkdownDescription: "Take a trigger parameter from a short-lived token of a service account (`spec.boundServiceAccountToken`).",
			NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
				"parameter":            requiredString("The trigger parameter, e.g. `bearerToken` (`spec.boundServiceAccountToken[].parameter`)."),
				"service_account_name": requiredString("The service account (`spec.boundServiceAccountToken[].serviceAccountName`)."),
			}},
		},
		"pod_identity": podIdentityBlock("Authenticate with the workload's cloud identity.", "spec.podIdentity"),
		"hashicorp_vault": optionalBlock(schema.SingleNestedBlock{
			MarkdownDescription: "Read trigger parameters from HashiCorp Vault (`spec.hashiCorpVault`).",
			Attributes: map[string]schema.Attribute{
				"address": requiredString("Vault's address, e.g. `https://vault.example:8200` (`spec.hashiCorpVault.address`)."),
				"authentication": requiredString("How KEDA logs in (`spec.hashiCorpVault.authentication`): "+EnumDescription(VaultAuthentications...)+".",
					OneOf(VaultAuthentications...)),
				"namespace": optionalString("Vault namespace, for Vault Enterprise (`spec.hashiCorpVault.namespace`)."),
				"role":      optionalString("Vault role (`spec.hashiCorpVault.role`); required for `kubernetes` authentication."),
				"mount": optionalString("Mount path of the `kubernetes` auth method, e.g. `kubernetes` (`spec.hashiCorpVault.mount`); " +
					"required for `kubernetes` authentication."),
			},
			Blocks: map[string]schema.Block{
				"credential": optionalBlock(schema.SingleNestedBlock{
					MarkdownDescription: "Credentials for the login method (`spec.hashiCorpVault.credential`).",
					Attributes: map[string]schema.Attribute{
						"token": schema.StringAttribute{
							Optional:  true,
							Sensitive: true,
							MarkdownDescription: "A Vault token, for `token` authentication (`spec.hashiCorpVault.credential.token`). " +
								"Sensitive: it is stored in the object in clear.",
							Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
						},
						"service_account": optionalString("Path to a service account token file, for `kubernetes` authentication " +
							"(`spec.hashiCorpVault.credential.serviceAccount`)."),
						"service_account_name": optionalString("Service account whose bound token KEDA uses, for `kubernetes` authentication " +
							"(`spec.hashiCorpVault.credential.serviceAccountName`)."),
					},
				}),
				"secret": schema.ListNestedBlock{
					MarkdownDescription: "A secret to read (`spec.hashiCorpVault.secrets`).",
					Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
					NestedObject: schema.NestedBlockObject{
						Attributes: map[string]schema.Attribute{
							"parameter": requiredString("The trigger parameter (`spec.hashiCorpVault.secrets[].parameter`)."),
							"path":      requiredString("The secret's path in Vault (`spec.hashiCorpVault.secrets[].path`)."),
							"key":       requiredString("The key within the secret (`spec.hashiCorpVault.secrets[].key`)."),
							"type": optionalString("The secret engine (`spec.hashiCorpVault.secrets[].type`): "+EnumDescription(VaultSecretTypes...)+
								"; unset reads a generic secret.",
								OneOf(VaultSecretTypes...)),
						},
						Blocks: map[string]schema.Block{
							"pki_data": optionalBlock(schema.SingleNestedBlock{
								MarkdownDescription: "The certificate to issue, for `pki` secrets (`spec.hashiCorpVault.secrets[].pkiData`).",
								Attributes: map[string]schema.Attribute{
									"common_name": optionalString("Common name (`spec.hashiCorpVault.secrets[].pkiData.commonName`)."),
									"alt_names":   optionalString("Subject alternative names, comma-separated (`spec.hashiCorpVault.secrets[].pkiData.altNames`)."),
									"ip_sans":     optionalString("IP SANs, comma-separated (`spec.hashiCorpVault.secrets[].pkiData.ipSans`)."),
									"uri_sans":    optionalString("URI SANs, comma-separated (`spec.hashiCorpVault.secrets[].pkiData.uriSans`)."),
									"other_sans":  optionalString("Other SANs (`spec.hashiCorpVault.secrets[].pkiData.otherSans`)."),
									"ttl":         optionalString("Lifetime, e.g. `24h` (`spec.hashiCorpVault.secrets[].pkiData.ttl`)."),
									"format": optionalString("Encoding: `pem`, `der` or `pem_bundle` " +
										"(`spec.hashiCorpVault.secrets[].pkiData.format`)."),
								},
							}),
						},
					},
				},
			},
		}, "secret"),
		"azure_key_vault": optionalBlock(schema.SingleNestedBlock{
			MarkdownDescription: "Read trigger parameters from Azure Key Vault (`spec.azureKeyVault`).",
			Attributes: map[string]schema.Attribute{
				"vault_uri": requiredString("The vault's URI (`spec.azureKeyVault.vaultUri`)."),
			},
			Blocks: map[string]schema.Block{
				"secret": schema.ListNestedBlock{
					MarkdownDescription: "A secret to read (`spec.azureKeyVault.secrets`).",
					Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
					NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
						"parameter": requiredString("The trigger parameter (`spec.azureKeyVault.secrets[].parameter`)."),
						"name":      requiredString("The secret's name (`spec.azureKeyVault.secrets[].name`)."),
						"version":   optionalString("The secret's version (`spec.azureKeyVault.secrets[].version`); default: the latest."),
					}},
				},
				"credentials": optionalBlock(schema.SingleNestedBlock{
					MarkdownDescription: "A service principal whose client secret is kept in a Secret (`spec.azureKeyVault.credentials`).",
					Attributes: map[string]schema.Attribute{
						"client_id": requiredString("Client ID (`spec.azureKeyVault.credentials.clientId`)."),
						"tenant_id": requiredString("Tenant ID (`spec.azureKeyVault.credentials.tenantId`)."),
					},
					Blocks: map[string]schema.Block{
						"client_secret": secretKeyRefBlock("The client secret.", "spec.azureKeyVault.credentials.clientSecret"),
					},
				}, "client_secret"),
				"pod_identity": podIdentityBlock("Authenticate to the vault with a cloud identity.", "spec.azureKeyVault.podIdentity"),
				"cloud": optionalBlock(schema.SingleNestedBlock{
					MarkdownDescription: "The Azure cloud (`spec.azureKeyVault.cloud`); default: the public cloud.",
					Attributes: map[string]schema.Attribute{
						"type": requiredString("Cloud name, e.g. `AzurePublicCloud` or `Private` (`spec.azureKeyVault.cloud.type`)."),
						"key_vault_resource_url": optionalString("Key Vault resource URL, for a private cloud " +
							"(`spec.azureKeyVault.cloud.keyVaultResourceURL`)."),
						"active_directory_endpoint": optionalString("Active Directory endpoint, for a private cloud " +
							"(`spec.azureKeyVault.cloud.activeDirectoryEndpoint`)."),
					},
				}),
			},
		}, "secret"),
		"aws_secret_manager": optionalBlock(schema.SingleNestedBlock{
			MarkdownDescription: "Read trigger parameters from AWS Secrets Manager (`spec.awsSecretManager`).",
			Attributes: map[string]schema.Attribute{
				"region": optionalString("AWS region (`spec.awsSecretManager.region`)."),
			},
			Blocks: map[string]schema.Block{
				"secret": schema.ListNestedBlock{
					MarkdownDescription: "A secret to read (`spec.awsSecretManager.secrets`).",
					Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
					NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
						"parameter":     requiredString("The trigger parameter (`spec.awsSecretManager.secrets[].parameter`)."),
						"name":          requiredString("The secret's name or ARN (`spec.awsSecretManager.secrets[].name`)."),
						"version_id":    optionalString("The secret's version ID (`spec.awsSecretManager.secrets[].versionId`)."),
						"version_stage": optionalString("The secret's version stage (`spec.awsSecretManager.secrets[].versionStage`)."),
						"secret_key":    optionalString("A key within a JSON secret (`spec.awsSecretManager.secrets[].secretKey`)."),
					}},
				},
				"credentials": optionalBlock(schema.SingleNestedBlock{
					MarkdownDescription: "AWS keys kept in Secrets (`spec.awsSecretManager.credentials`).",
					Blocks: map[string]schema.Block{
						"access_key":        secretKeyRefBlock("The access key ID.", "spec.awsSecretManager.credentials.accessKey"),
						"access_secret_key": secretKeyRefBlock("The secret access key.", "spec.awsSecretManager.credentials.accessSecretKey"),
						"access_token":      secretKeyRefBlock("A session token.", "spec.awsSecretManager.credentials.accessToken"),
					},
				}, "access_key", "access_secret_key"),
				"pod_identity": podIdentityBlock("Authenticate to AWS with a cloud identity.", "spec.awsSecretManager.podIdentity"),
			},
		}, "secret"),
		"gcp_secret_manager": optionalBlock(schema.SingleNestedBlock{
			MarkdownDescription: "Read trigger parameters from GCP Secret Manager (`spec.gcpSecretManager`).",
			Blocks: map[string]schema.Block{
				"secret": schema.ListNestedBlock{
					MarkdownDescription: "A secret to read (`spec.gcpSecretManager.secrets`).",
					Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
					NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
						"parameter": requiredString("The trigger parameter (`spec.gcpSecretManager.secrets[].parameter`)."),
						"id":        requiredString("The secret's ID (`spec.gcpSecretManager.secrets[].id`)."),
						"version":   optionalString("The secret's version (`spec.gcpSecretManager.secrets[].version`); default: `latest`."),
					}},
				},
				"credentials": optionalBlock(schema.SingleNestedBlock{
					MarkdownDescription: "A service account key kept in a Secret (`spec.gcpSecretManager.credentials`).",
					Blocks: map[string]schema.Block{
						"client_secret": secretKeyRefBlock("The service account key (JSON).", "spec.gcpSecretManager.credentials.clientSecret"),
					},
				}, "client_secret"),
				"pod_identity": podIdentityBlock("Authenticate to GCP with a cloud identity.", "spec.gcpSecretManager.podIdentity"),
			},
		}, "secret"),
		"oauth2": optionalBlock(schema.SingleNestedBlock{
			MarkdownDescription: "Obtain a bearer token with the OAuth2 client-credentials grant (`spec.oauth2`), for Prometheus with " +
				"`auth_modes = [\"oauth\"]`, and RabbitMQ over HTTP, which also needs `client_secret`.",
			Attributes: map[string]schema.Attribute{
				"type": schema.StringAttribute{
					Optional:            true,
					Computed:            true,
					Default:             stringdefault.StaticString(string(v1alpha1.OAuth2GrantTypeClientCredentials)),
					MarkdownDescription: "The grant type (`spec.oauth2.type`). Default: `clientCredentials`, the only one KEDA supports.",
					Validators:          []validator.String{OneOf(v1alpha1.OAuth2GrantTypeClientCredentials)},
				},
				"client_id": requiredString("Client ID (`spec.oauth2.clientId`)."),
				"token_url": requiredString("The token endpoint, an http or https URL (`spec.oauth2.tokenUrl`).", validators.URL("http", "https")),
				"scopes": schema.ListAttribute{
					Optional:            true,
					ElementType:         types.StringType,
					MarkdownDescription: "Scopes to request (`spec.oauth2.scopes`).",
				},
				"token_url_params": schema.MapAttribute{
					Optional:            true,
					ElementType:         types.StringType,
					MarkdownDescription: "Extra parameters sent to the token endpoint (`spec.oauth2.tokenUrlParams`).",
				},
			},
			Blocks: map[string]schema.Block{
				"client_secret": secretKeyRefBlock("The client secret; optional in KEDA (RabbitMQ's OAuth2 needs it).",
					"spec.oauth2.clientSecret"),
			},
		}),
		"azure_service_principal": optionalBlock(schema.SingleNestedBlock{
			MarkdownDescription: "Authenticate to Azure as a service principal whose credential is kept in a Secret " +
				"(`spec.azureServicePrincipal`).",
			Attributes: map[string]schema.Attribute{
				"tenant_id": requiredString("Tenant ID (`spec.azureServicePrincipal.tenantId`)."),
				"client_id": requiredString("Client ID (`spec.azureServicePrincipal.clientId`)."),
				"cloud": optionalString("Azure cloud (`spec.azureServicePrincipal.cloud`); default: `AzurePublicCloud`. " +
					"`Private` needs `active_directory_endpoint`."),
				"active_directory_endpoint": optionalString("Active Directory endpoint (`spec.azureServicePrincipal.activeDirectoryEndpoint`); "+
					"only with `cloud = \"Private\"`.",
					stringvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("cloud"))),
			},
			Blocks: map[string]schema.Block{
				"client_secret": withObjectValidators(
					secretKeyRefBlock("The client secret; exactly one of `client_secret` and `client_certificate`.",
						"spec.azureServicePrincipal.clientSecret"),
					objectvalidator.ConflictsWith(path.MatchRelative().AtParent().AtName("client_certificate"))),
				"client_certificate": secretKeyRefBlock("A PEM client certificate with its key; exactly one of "+
					"`client_secret` and `client_certificate`.", "spec.azureServicePrincipal.clientCertificate"),
				"client_certificate_password": withObjectValidators(
					secretKeyRefBlock("The certificate's password.", "spec.azureServicePrincipal.clientCertificatePassword"),
					objectvalidator.AlsoRequires(path.MatchRelative().AtParent().AtName("client_certificate"))),
			},
		}),
	}
}

// targetRefAttributes is the schema of a secret or ConfigMap reference; field
// is its KEDA path, e.g. `spec.secretTargetRef[]`.
func targetRefAttributes(kind, field string) map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"parameter": requiredString("The trigger parameter it supplies, e.g. `host` or `password` (`" + field + ".parameter`)."),
		"name":      requiredString("The " + kind + "'s name (`" + field + ".name`)."),
		"key":       requiredString("The key within the " + kind + " (`" + field + ".key`)."),
	}
}

// secretKeyRefBlock is a value read from a key of a Secret; field is the path
// of the value, in KEDA's or Kubernetes' JSON, that holds
// `valueFrom.secretKeyRef`, e.g. `spec.oauth2.clientSecret` or `env[]`.
func secretKeyRefBlock(description, field string) schema.SingleNestedBlock {
	ref := field + ".valueFrom.secretKeyRef"
	return optionalBlock(schema.SingleNestedBlock{
		MarkdownDescription: description + " Read from a key of a Secret (`" + ref + "`).",
		Attributes: map[string]schema.Attribute{
			"name": requiredString("The Secret's name (`" + ref + ".name`)."),
			"key":  requiredString("The key within the Secret (`" + ref + ".key`)."),
		},
	})
}

// podIdentityBlock is KEDA's AuthPodIdentity; field is its KEDA path, e.g.
// `spec.podIdentity`.
func podIdentityBlock(description, field string) schema.SingleNestedBlock {
	return optionalBlock(schema.SingleNestedBlock{
		MarkdownDescription: strings.TrimSuffix(description, ".") + " (`" + field + "`).",
		Attributes: map[string]schema.Attribute{
			"provider": requiredString("The identity provider (`"+field+".provider`): "+EnumDescription(PodIdentityProviders...)+".",
				OneOf(PodIdentityProviders...)),
			"identity_id":        optionalString("Azure: the managed identity's client ID (`" + field + ".identityId`); default: the workload's."),
			"identity_tenant_id": optionalString("Azure: the identity's tenant (`" + field + ".identityTenantId`)."),
			"identity_authority_host": optionalString("Azure: the authority host (`" + field + ".identityAuthorityHost`); " +
				"for `azure-workload`, KEDA's webhook requires `identity_tenant_id` with it."),
			"role_arn": optionalString("AWS: the role to assume (`" + field + ".roleArn`); only when `identity_owner` is `keda`."),
			"external_id": optionalString("AWS: the external ID of the role (`" + field + ".externalID`); " +
				"for `aws`, KEDA's webhook requires `role_arn` with it."),
			"identity_owner": optionalString("AWS: whose identity to use (`"+field+".identityOwner`), "+EnumDescription(IdentityOwners...)+".",
				OneOf(IdentityOwners...)),
		},
	})
}

func withObjectValidators(b schema.SingleNestedBlock, v ...validator.Object) schema.SingleNestedBlock {
	b.Validators = append(b.Validators, v...)
	return b
}
