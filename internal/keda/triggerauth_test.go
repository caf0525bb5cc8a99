package keda

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
)

func s(v string) types.String { return types.StringValue(v) }

func TestTriggerAuthSpecRoundTrip(t *testing.T) {
	ptr := func(v string) *string { return &v }
	cases := map[string]struct {
		model TriggerAuthSpecModel
		want  v1alpha1.TriggerAuthenticationSpec
	}{
		"secret and config map refs, env, bound token": {
			model: TriggerAuthSpecModel{
				SecretTargetRef:          []TargetRefModel{{Parameter: s("host"), Name: s("rabbitmq"), Key: s("uri")}},
				ConfigMapTargetRef:       []TargetRefModel{{Parameter: s("vhostName"), Name: s("settings"), Key: s("vhost")}},
				Env:                      []AuthEnvModel{{Parameter: s("queueName"), Name: s("QUEUE"), ContainerName: types.StringNull()}},
				BoundServiceAccountToken: []BoundSATokenModel{{Parameter: s("bearerToken"), ServiceAccountName: s("reader")}},
				FilePath:                 types.StringNull(),
			},
			want: v1alpha1.TriggerAuthenticationSpec{
				SecretTargetRef:          []v1alpha1.AuthSecretTargetRef{{Parameter: "host", Name: "rabbitmq", Key: "uri"}},
				ConfigMapTargetRef:       []v1alpha1.AuthConfigMapTargetRef{{Parameter: "vhostName", Name: "settings", Key: "vhost"}},
				Env:                      []v1alpha1.AuthEnvironment{{Parameter: "queueName", Name: "QUEUE"}},
				BoundServiceAccountToken: []v1alpha1.BoundServiceAccountToken{{Parameter: "bearerToken", ServiceAccountName: "reader"}},
			},
		},
		"pod identity and vault with pki": {
			model: TriggerAuthSpecModel{
				FilePath: s("/auth/params.json"),
				PodIdentity: &PodIdentityModel{
					Provider: s("azure-workload"), IdentityID: s("id"), IdentityTenantID: s("tenant"),
					IdentityAuthorityHost: types.StringNull(), RoleArn: types.StringNull(), ExternalID: types.StringNull(), IdentityOwner: types.StringNull(),
				},
				HashicorpVault: &VaultModel{
					Address: s("https://vault:8200"), Authentication: s("kubernetes"), Namespace: types.StringNull(),
					Role: s("keda"), Mount: s("kubernetes"),
					Credential: &VaultCredentialModel{Token: types.StringNull(), ServiceAccount: types.StringNull(), ServiceAccountName: s("keda")},
					Secret: []VaultSecretModel{{
						Parameter: s("ca"), Path: s("pki/issue/x"), Key: s("ca"), Type: s("pki"),
						PkiData: &VaultPkiDataModel{CommonName: s("x"), AltNames: types.StringNull(), IPSans: types.StringNull(),
							URISans: types.StringNull(), OtherSans: types.StringNull(), TTL: s("1h"), Format: types.StringNull()},
					}},
				},
			},
			want: v1alpha1.TriggerAuthenticationSpec{
				FilePath:    "/auth/params.json",
				PodIdentity: &v1alpha1.AuthPodIdentity{Provider: "azure-workload", IdentityID: ptr("id"), IdentityTenantID: ptr("tenant")},
				HashiCorpVault: &v1alpha1.HashiCorpVault{
					Address: "https://vault:8200", Authentication: "kubernetes", Role: "keda", Mount: "kubernetes",
					Credential: &v1alpha1.Credential{ServiceAccountName: "keda"},
					Secrets: []v1alpha1.VaultSecret{{Parameter: "ca", Path: "pki/issue/x", Key: "ca", Type: "pki",
						PkiData: v1alpha1.VaultPkiData{CommonName: "x", TTL: "1h"}}},
				},
			},
		},
		"cloud secret stores": {
			model: TriggerAuthSpecModel{
				FilePath: types.StringNull(),
				AwsSecretManager: &AwsSecretManagerModel{
					Region: s("eu-west-1"),
					Secret: []AwsSecretManagerSecretModel{{Parameter: s("p"), Name: s("n"), VersionID: types.StringNull(), VersionStage: s("AWSCURRENT"), SecretKey: types.StringNull()}},
					Credentials: &AwsCredentialsModel{
						AccessKey:       &SecretKeyRefModel{Name: s("aws"), Key: s("id")},
						AccessSecretKey: &SecretKeyRefModel{Name: s("aws"), Key: s("secret")},
					},
				},
				GcpSecretManager: &GcpSecretManagerModel{
					Secret:      []GcpSecretManagerSecretModel{{Parameter: s("p"), ID: s("id"), Version: types.StringNull()}},
					Credentials: &GcpCredentialsModel{ClientSecret: &SecretKeyRefModel{Name: s("gcp"), Key: s("key.json")}},
				},
				AzureKeyVault: &AzureKeyVaultModel{
					VaultURI:    s("https://v.vault.azure.net"),
					Secret:      []AzureKeyVaultSecretModel{{Parameter: s("p"), Name: s("n"), Version: types.StringNull()}},
					PodIdentity: &PodIdentityModel{Provider: s("azure-workload"), IdentityID: types.StringNull(), IdentityTenantID: types.StringNull(), IdentityAuthorityHost: types.StringNull(), RoleArn: types.StringNull(), ExternalID: types.StringNull(), IdentityOwner: types.StringNull()},
					Cloud:       &AzureKeyVaultCloudModel{Type: s("Private"), KeyVaultResourceURL: s("https://kv"), ActiveDirectoryEndpoint: s("https://ad")},
				},
			},
			want: v1alpha1.TriggerAuthenticationSpec{
				AwsSecretManager: &v1alpha1.AwsSecretManager{
					Region:  "eu-west-1",
					Secrets: []v1alpha1.AwsSecretManagerSecret{{Parameter: "p", Name: "n", VersionStage: "AWSCURRENT"}},
					Credentials: &v1alpha1.AwsSecretManagerCredentials{
						AccessKey:       &v1alpha1.AwsSecretManagerValue{ValueFrom: v1alpha1.ValueFromSecret{SecretKeyRef: v1alpha1.SecretKeyRef{Name: "aws", Key: "id"}}},
						AccessSecretKey: &v1alpha1.AwsSecretManagerValue{ValueFrom: v1alpha1.ValueFromSecret{SecretKeyRef: v1alpha1.SecretKeyRef{Name: "aws", Key: "secret"}}},
					},
				},
				GCPSecretManager: &v1alpha1.GCPSecretManager{
					Secrets:     []v1alpha1.GCPSecretManagerSecret{{Parameter: "p", ID: "id"}},
					Credentials: &v1alpha1.GCPCredentials{ClientSecret: v1alpha1.GCPSecretmanagerClientSecret{ValueFrom: v1alpha1.ValueFromSecret{SecretKeyRef: v1alpha1.SecretKeyRef{Name: "gcp", Key: "key.json"}}}},
				},
				AzureKeyVault: &v1alpha1.AzureKeyVault{
					VaultURI:    "https://v.vault.azure.net",
					Secrets:     []v1alpha1.AzureKeyVaultSecret{{Parameter: "p", Name: "n"}},
					PodIdentity: &v1alpha1.AuthPodIdentity{Provider: "azure-workload"},
					Cloud:       &v1alpha1.AzureKeyVaultCloudInfo{Type: "Private", KeyVaultResourceURL: "https://kv", ActiveDirectoryEndpoint: "https://ad"},
				},
			},
		},
		"oauth2 and service principal": {
			model: TriggerAuthSpecModel{
				FilePath: types.StringNull(),
				OAuth2: &OAuth2Model{
					Type: s("clientCredentials"), ClientID: s("keda"), TokenURL: s("https://auth/token"),
					ClientSecret:   &SecretKeyRefModel{Name: s("oauth"), Key: s("secret")},
					Scopes:         listValue([]string{"a", "b"}),
					TokenURLParams: mapValue(map[string]string{"audience": "metrics"}),
				},
				AzureServicePrincipal: &AzureServicePrincipalModel{
					TenantID: s("t"), ClientID: s("c"), Cloud: types.StringNull(), ActiveDirectoryEndpoint: types.StringNull(),
					ClientCertificate: &SecretKeyRefModel{Name: s("sp"), Key: s("tls.pem")},
				},
			},
			want: v1alpha1.TriggerAuthenticationSpec{
				OAuth2: &v1alpha1.OAuth2{
					Type: "clientCredentials", ClientID: "keda", TokenURL: "https://auth/token", Scopes: []string{"a", "b"},
					TokenURLParams: map[string]string{"audience": "metrics"},
					ClientSecret:   v1alpha1.OAuth2ClientSecret{ValueFrom: v1alpha1.ValueFromSecret{SecretKeyRef: v1alpha1.SecretKeyRef{Name: "oauth", Key: "secret"}}},
				},
				AzureServicePrincipal: &v1alpha1.AzureServicePrincipal{
					TenantID: "t", ClientID: "c",
					ClientCertificate: &v1alpha1.AzureServicePrincipalCredential{ValueFrom: v1alpha1.ValueFromSecret{SecretKeyRef: v1alpha1.SecretKeyRef{Name: "sp", Key: "tls.pem"}}},
				},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := tc.model.Expand()
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Fatalf("Expand (-want +got):\n%s", diff)
			}
			back := FlattenTriggerAuthSpec(got, nil)
			if diff := cmp.Diff(tc.model, back); diff != "" {
				t.Fatalf("Flatten(Expand(m)) != m (-want +got):\n%s", diff)
			}
		})
	}
}
