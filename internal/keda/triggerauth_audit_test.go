package keda

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// authPlanDiags is what a plan reports on a (Cluster)TriggerAuthentication:
// the schema's validators, then KEDA's admission checks and resolver rules
// (the resource's ModifyPlan).
func authPlanDiags(m TriggerAuthSpecModel, clusterScoped bool) diag.Diagnostics {
	s := schema.Schema{Attributes: TriggerAuthSpecAttributes(clusterScoped), Blocks: TriggerAuthSpecBlocks()}
	diags := schemaDiags(s, withNulls(m))
	if diags.HasError() {
		return diags
	}
	return ValidateTriggerAuthSpec(withNulls(m).Expand(), clusterScoped)
}

func podIdentity(provider string, mod func(*PodIdentityModel)) *PodIdentityModel {
	p := &PodIdentityModel{Provider: s(provider)}
	if mod != nil {
		mod(p)
	}
	return p
}

func vault(auth string, mod func(*VaultModel)) *VaultModel {
	v := &VaultModel{Address: s("https://vault:8200"), Authentication: s(auth),
		Secret: []VaultSecretModel{{Parameter: s("password"), Path: s("secret/data/mq"), Key: s("password")}}}
	if mod != nil {
		mod(v)
	}
	return v
}

// TestTriggerAuthRulesAudit: every rule on TriggerAuthentications and
// ClusterTriggerAuthentications against what KEDA v2.21 does with them:
// its CRD schema, its admission webhook
// (apis/keda/v1alpha1/triggerauthentication_webhook.go validateSpec) and
// its resolver (pkg/scaling/resolver).
func TestTriggerAuthRulesAudit(t *testing.T) {
	type row struct {
		cite    string
		spec    TriggerAuthSpecModel
		cluster bool
		want    string
		path    string
	}
	oauth := func(mod func(*OAuth2Model)) *OAuth2Model {
		o := &OAuth2Model{ClientID: s("keda"), TokenURL: s("https://auth.example/token")}
		if mod != nil {
			mod(o)
		}
		return o
	}
	rows := map[string]row{
		"oauth2 without client_secret": {cite: "config/crd/bases/keda.sh_triggerauthentications.yaml (oauth2 requires clientId, tokenUrl, type)",
			spec: TriggerAuthSpecModel{OAuth2: oauth(nil)}, want: "ok"},
		"oauth2 with an empty scope list": {cite: "apis/keda/v1alpha1/triggerauthentication_types.go OAuth2.Scopes (omitempty)",
			spec: TriggerAuthSpecModel{OAuth2: oauth(func(o *OAuth2Model) { o.Scopes = types.ListValueMust(types.StringType, nil) })}, want: "ok"},
		"oauth2 token URL not http": {cite: "triggerauthentication_webhook.go validateSpec (oauth2.tokenUrl must be a valid http or https URL)",
			spec: TriggerAuthSpecModel{OAuth2: oauth(func(o *OAuth2Model) { o.TokenURL = s("ftp://auth") })}, want: "error", path: "oauth2.token_url"},
		"oauth2 without client_id": {cite: "CRD oauth2 required clientId",
			spec: TriggerAuthSpecModel{OAuth2: oauth(func(o *OAuth2Model) { o.ClientID = types.StringNull() })}, want: "error", path: "oauth2.client_id"},
		"file_path on a TriggerAuthentication": {cite: "pkg/scaling/resolver/scale_resolvers.go resolveAuthRef (filePath is only supported for ClusterTriggerAuthentication)",
			spec: TriggerAuthSpecModel{FilePath: s("rabbitmq.json")}, want: "error", path: "file_path"},
		"file_path on a ClusterTriggerAuthentication": {cite: "scale_resolvers.go readAuthParamsFromFile",
			spec: TriggerAuthSpecModel{FilePath: s("rabbitmq.json")}, cluster: true, want: "ok"},
		"absolute file_path": {cite: "scale_resolvers.go readAuthParamsFromFile (filePath must be relative and not contain '..')",
			spec: TriggerAuthSpecModel{FilePath: s("/etc/keda/auth.json")}, cluster: true, want: "error", path: "file_path"},
		"file_path escaping the root": {cite: "scale_resolvers.go readAuthParamsFromFile",
			spec: TriggerAuthSpecModel{FilePath: s("../secrets.json")}, cluster: true, want: "error", path: "file_path"},
		"file_path with other sources (ignored)": {cite: "scale_resolvers.go resolveAuthRef (returns the file's parameters only)",
			spec:    TriggerAuthSpecModel{FilePath: s("auth.json"), SecretTargetRef: []TargetRefModel{{Parameter: s("host"), Name: s("mq"), Key: s("host")}}},
			cluster: true, want: "warning", path: "file_path"},
		"vault kubernetes auth without mount": {cite: "pkg/scaling/resolver/hashicorpvault_handler.go token (auth mount not in config)",
			spec: TriggerAuthSpecModel{HashicorpVault: vault("kubernetes", func(v *VaultModel) { v.Role = s("keda") })}, want: "error", path: "hashicorp_vault.mount"},
		"vault kubernetes auth without role": {cite: "hashicorpvault_handler.go token (k8s role not in config)",
			spec: TriggerAuthSpecModel{HashicorpVault: vault("kubernetes", func(v *VaultModel) { v.Mount = s("kubernetes") })}, want: "error", path: "hashicorp_vault.role"},
		"vault kubernetes auth with mount and role": {cite: "hashicorpvault_handler.go token",
			spec: TriggerAuthSpecModel{HashicorpVault: vault("kubernetes", func(v *VaultModel) { v.Mount, v.Role = s("kubernetes"), s("keda") })}, want: "ok"},
		"vault token auth without a token (VAULT_TOKEN of the operator)": {cite: "hashicorpvault_handler.go token (client.Token() from VAULT_TOKEN)",
			spec: TriggerAuthSpecModel{HashicorpVault: vault("token", nil)}, want: "ok"},
		"vault pki_data on a secretV2 secret": {cite: "hashicorpvault_handler.go fetchSecret (pkiData only for pki)",
			spec: TriggerAuthSpecModel{HashicorpVault: vault("token", func(v *VaultModel) {
				v.Secret[0].Type, v.Secret[0].PkiData = s("secretV2"), &VaultPkiDataModel{CommonName: s("x")}
			})}, want: "warning", path: "hashicorp_vault.secret[0].pki_data"},
		"vault unknown authentication": {cite: "CRD hashiCorpVault.authentication enum token;kubernetes",
			spec: TriggerAuthSpecModel{HashicorpVault: vault("approle", nil)}, want: "error", path: "hashicorp_vault.authentication"},
		"aws external id without role": {cite: "triggerauthentication_webhook.go validateSpec (externalID of PodIdentity requires roleArn)",
			spec: TriggerAuthSpecModel{PodIdentity: podIdentity("aws", func(p *PodIdentityModel) { p.ExternalID = s("x") })},
			want: "error", path: "pod_identity.external_id"},
		"aws role with workload owner": {cite: "triggerauthentication_webhook.go validateSpec (roleArn ... isn't identityOwner)",
			spec: TriggerAuthSpecModel{PodIdentity: podIdentity("aws", func(p *PodIdentityModel) { p.RoleArn, p.IdentityOwner = s("arn:x"), s("workload") })},
			want: "error", path: "pod_identity.role_arn"},
		"external id with another provider (ignored)": {cite: "triggerauthentication_webhook.go validateSpec (checked for aws only)",
			spec: TriggerAuthSpecModel{PodIdentity: podIdentity("azure-workload", func(p *PodIdentityModel) { p.ExternalID = s("x") })}, want: "ok"},
		"azure authority host without tenant": {cite: "triggerauthentication_webhook.go validateSpec (identityTenantID ... when identityAuthorityHost)",
			spec: TriggerAuthSpecModel{PodIdentity: podIdentity("azure-workload", func(p *PodIdentityModel) { p.IdentityAuthorityHost = s("https://login") })},
			want: "error", path: "pod_identity.identity_tenant_id"},
		"azure authority host with aws (ignored)": {cite: "triggerauthentication_webhook.go validateSpec (checked for azure-workload only)",
			spec: TriggerAuthSpecModel{PodIdentity: podIdentity("aws", func(p *PodIdentityModel) { p.IdentityAuthorityHost = s("https://login") })}, want: "ok"},
		"unknown pod identity provider": {cite: "CRD podIdentity.provider enum",
			spec: TriggerAuthSpecModel{PodIdentity: podIdentity("azure", nil)}, want: "error", path: "pod_identity.provider"},
		"service principal without credential": {cite: "triggerauthentication_webhook.go validateAzureServicePrincipal",
			spec: TriggerAuthSpecModel{AzureServicePrincipal: &AzureServicePrincipalModel{TenantID: s("t"), ClientID: s("c")}},
			want: "error", path: "azure_service_principal"},
		"key vault with a gcp identity": {cite: "pkg/scaling/resolver/azure_keyvault_handler.go getCredentials (key vault does not support pod identity provider)",
			spec: TriggerAuthSpecModel{AzureKeyVault: &AzureKeyVaultModel{VaultURI: s("https://v.vault.azure.net"),
				Secret: []AzureKeyVaultSecretModel{{Parameter: s("p"), Name: s("n")}}, PodIdentity: podIdentity("gcp", nil)}},
			want: "error", path: "azure_key_vault.pod_identity.provider"},
		"key vault without credentials or identity": {cite: "azure_keyvault_handler.go getCredentials (clientID, tenantID and clientSecret are expected)",
			spec: TriggerAuthSpecModel{AzureKeyVault: &AzureKeyVaultModel{VaultURI: s("https://v.vault.azure.net"),
				Secret: []AzureKeyVaultSecretModel{{Parameter: s("p"), Name: s("n")}}}},
			want: "error", path: "azure_key_vault.credentials"},
		"aws secrets manager without credentials (logged by KEDA)": {cite: "pkg/scaling/resolver/aws_secretmanager_handler.go Initialize; resolveAuthRef logs its error",
			spec: TriggerAuthSpecModel{AwsSecretManager: &AwsSecretManagerModel{Secret: []AwsSecretManagerSecretModel{{Parameter: s("p"), Name: s("n")}}}},
			want: "warning", path: "aws_secret_manager.credentials"},
		"gcp secret manager with an aws identity (logged by KEDA)": {cite: "pkg/scaling/resolver/gcp_secretmanager_handler.go Initialize; resolveAuthRef logs its error",
			spec: TriggerAuthSpecModel{GcpSecretManager: &GcpSecretManagerModel{Secret: []GcpSecretManagerSecretModel{{Parameter: s("p"), ID: s("id")}},
				PodIdentity: podIdentity("aws", nil)}},
			want: "warning", path: "gcp_secret_manager.pod_identity.provider"},
	}
	for name, r := range rows {
		t.Run(name, func(t *testing.T) {
			if r.cite == "" {
				t.Fatal("every rule cites where KEDA enforces it")
			}
			checkAudit(t, authPlanDiags(r.spec, r.cluster), r.want, r.path)
		})
	}
}
