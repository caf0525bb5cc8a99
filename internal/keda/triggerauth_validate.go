package keda

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
)

// kedaAuthErrorPaths maps the field named at the start of a KEDA admission
// error to the attribute a user wrote.
var kedaAuthErrorPaths = []struct {
	prefix string
	path   path.Path
}{
	{"azureServicePrincipal", path.Root("azure_service_principal")},
	{"oauth2", path.Root("oauth2")},
	{"identityId", path.Root("pod_identity").AtName("identity_id")},
	{"identityTenantI", path.Root("pod_identity").AtName("identity_tenant_id")},
	{"roleArn", path.Root("pod_identity").AtName("role_arn")},
	{"externalID", path.Root("pod_identity").AtName("external_id")},
}

// ValidateTriggerAuthSpec runs KEDA's own admission checks of a
// TriggerAuthentication on the spec a plan would write, then the rules
// KEDA applies when a trigger resolves it (authRules). clusterScoped is
// true for a ClusterTriggerAuthentication.
func ValidateTriggerAuthSpec(spec v1alpha1.TriggerAuthenticationSpec, clusterScoped bool) diag.Diagnostics {
	diags := authRules(spec, clusterScoped)
	ta := &v1alpha1.TriggerAuthentication{Spec: spec}
	_, err := ta.ValidateCreate(nil)
	if err == nil {
		return diags
	}
	at := path.Empty()
	for _, m := range kedaAuthErrorPaths {
		if strings.HasPrefix(err.Error(), m.prefix) {
			at = m.path
			break
		}
	}
	summary := "Invalid trigger authentication"
	detail := "KEDA would reject this authentication: " + err.Error()
	if at.Equal(path.Empty()) {
		diags.AddError(summary, detail)
	} else {
		diags.AddAttributeError(at, summary, "Attribute "+at.String()+": "+detail)
	}
	return diags
}

// authRules: what pkg/scaling/resolver/scale_resolvers.go resolveAuthRef
// and its handlers refuse or ignore when a trigger uses the
// authentication. A refusal fails every trigger that refers to it.
func authRules(spec v1alpha1.TriggerAuthenticationSpec, clusterScoped bool) diag.Diagnostics {
	var diags diag.Diagnostics
	if spec.FilePath != "" {
		at := path.Root("file_path")
		switch {
		case !clusterScoped:
			attrError(&diags, at, "file_path needs a ClusterTriggerAuthentication",
				"filePath is only supported for ClusterTriggerAuthentication (resolveAuthRef): every trigger using this "+
					"TriggerAuthentication would fail. Use keda_cluster_trigger_authentication.")
		case filepath.IsAbs(spec.FilePath) || strings.Contains(spec.FilePath, ".."):
			attrError(&diags, at, "Invalid file_path",
				"filePath must be relative and not contain '..' (readAuthParamsFromFile): KEDA reads it under its --filepath-auth-root-path.")
		}
		if ignored := sourcesBesideFile(spec); len(ignored) > 0 {
			diags.AddAttributeWarning(at, "Sources ignored with file_path",
				fmt.Sprintf("Attribute %s: KEDA takes every parameter from the file and ignores %s (resolveAuthRef).", at, strings.Join(ignored, ", ")))
		}
	}
	if v := spec.HashiCorpVault; v != nil && v.Authentication == v1alpha1.VaultAuthenticationKubernetes {
		// hashicorpvault_handler.go token(): checked before any login.
		if v.Mount == "" {
			attrError(&diags, path.Root("hashicorp_vault").AtName("mount"), "Vault mount missing",
				"kubernetes authentication needs the mount of Vault's auth method: KEDA fails with \"auth mount not in config\" (HashicorpVaultHandler.token).")
		}
		if v.Role == "" {
			attrError(&diags, path.Root("hashicorp_vault").AtName("role"), "Vault role missing",
				"kubernetes authentication needs a Vault role: KEDA fails with \"k8s role not in config\" (HashicorpVaultHandler.token).")
		}
	}
	if v := spec.HashiCorpVault; v != nil {
		for i, secret := range v.Secrets {
			if secret.Type != v1alpha1.VaultSecretTypePki && secret.PkiData != (v1alpha1.VaultPkiData{}) {
				at := path.Root("hashicorp_vault").AtName("secret").AtListIndex(i).AtName("pki_data")
				diags.AddAttributeWarning(at, "pki_data ignored",
					fmt.Sprintf("Attribute %s: KEDA uses pki_data only for secrets of type pki (HashicorpVaultHandler.fetchSecret).", at))
			}
		}
	}
	if a := spec.AzureKeyVault; a != nil {
		// azure_keyvault_handler.go getCredentials: its error fails the trigger.
		at := path.Root("azure_key_vault")
		switch provider := podIdentityProvider(a.PodIdentity); provider {
		case v1alpha1.PodIdentityProviderNone:
			if a.Credentials == nil {
				attrError(&diags, at.AtName("credentials"), "Azure Key Vault credentials missing",
					"clientID, tenantID and clientSecret are expected when not using a pod identity provider (AzureKeyVaultHandler.getCredentials): "+
						"add credentials, or pod_identity with provider azure-workload.")
			}
		case v1alpha1.PodIdentityProviderAzureWorkload:
		default:
			attrError(&diags, at.AtName("pod_identity").AtName("provider"), "Pod identity not supported by Azure Key Vault",
				fmt.Sprintf("key vault does not support pod identity provider - %s (AzureKeyVaultHandler.getCredentials); use azure-workload.", provider))
		}
	}
	// The AWS and GCP handlers' errors are logged and their parameters left
	// out (resolveAuthRef), so these are warnings.
	if a := spec.AwsSecretManager; a != nil {
		at := path.Root("aws_secret_manager")
		switch provider := podIdentityProvider(a.PodIdentity); provider {
		case v1alpha1.PodIdentityProviderNone:
			if a.Credentials == nil {
				diags.AddAttributeWarning(at.AtName("credentials"), "AWS Secrets Manager credentials missing",
					fmt.Sprintf("Attribute %s: without credentials or pod_identity (provider aws), KEDA cannot log in "+
						"(AwsSecretManagerHandler.Initialize) and supplies none of these parameters.", at.AtName("credentials")))
			}
		case v1alpha1.PodIdentityProviderAws:
		default:
			diags.AddAttributeWarning(at.AtName("pod_identity").AtName("provider"), "Pod identity not supported by AWS Secrets Manager",
				fmt.Sprintf("Attribute %s: KEDA supports only aws here (AwsSecretManagerHandler.Initialize) and supplies none of these parameters.",
					at.AtName("pod_identity").AtName("provider")))
		}
	}
	if g := spec.GCPSecretManager; g != nil {
		at := path.Root("gcp_secret_manager")
		switch provider := podIdentityProvider(g.PodIdentity); provider {
		case v1alpha1.PodIdentityProviderNone:
			if g.Credentials == nil {
				diags.AddAttributeWarning(at.AtName("credentials"), "GCP Secret Manager credentials missing",
					fmt.Sprintf("Attribute %s: without credentials or pod_identity (provider gcp), KEDA cannot log in "+
						"(GCPSecretManagerHandler.Initialize) and supplies none of these parameters.", at.AtName("credentials")))
			}
		case v1alpha1.PodIdentityProviderGCP:
		default:
			diags.AddAttributeWarning(at.AtName("pod_identity").AtName("provider"), "Pod identity not supported by GCP Secret Manager",
				fmt.Sprintf("Attribute %s: KEDA supports only gcp here (GCPSecretManagerHandler.Initialize) and supplies none of these parameters.",
					at.AtName("pod_identity").AtName("provider")))
		}
	}
	return diags
}

func podIdentityProvider(p *v1alpha1.AuthPodIdentity) v1alpha1.PodIdentityProvider {
	if p == nil || p.Provider == "" {
		return v1alpha1.PodIdentityProviderNone
	}
	return p.Provider
}

// sourcesBesideFile are the parameter sources resolveAuthRef skips when it
// reads a file: everything but the pod identity.
func sourcesBesideFile(spec v1alpha1.TriggerAuthenticationSpec) []string {
	var out []string
	for _, s := range []struct {
		name string
		set  bool
	}{
		{"env", len(spec.Env) > 0}, {"secret_target_ref", len(spec.SecretTargetRef) > 0},
		{"config_map_target_ref", len(spec.ConfigMapTargetRef) > 0},
		{"bound_service_account_token", len(spec.BoundServiceAccountToken) > 0},
		{"hashicorp_vault", spec.HashiCorpVault != nil}, {"azure_key_vault", spec.AzureKeyVault != nil},
		{"aws_secret_manager", spec.AwsSecretManager != nil}, {"gcp_secret_manager", spec.GCPSecretManager != nil},
		{"oauth2", spec.OAuth2 != nil}, {"azure_service_principal", spec.AzureServicePrincipal != nil},
	} {
		if s.set {
			out = append(out, s.name)
		}
	}
	return out
}
