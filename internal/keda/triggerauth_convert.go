package keda

import (
	"bytes"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
)

// Expand converts the model into KEDA's TriggerAuthenticationSpec.
func (m TriggerAuthSpecModel) Expand() v1alpha1.TriggerAuthenticationSpec {
	spec := v1alpha1.TriggerAuthenticationSpec{
		FilePath:    str(m.FilePath),
		PodIdentity: expandPodIdentity(m.PodIdentity),
	}
	for _, r := range m.SecretTargetRef {
		spec.SecretTargetRef = append(spec.SecretTargetRef, v1alpha1.AuthSecretTargetRef(r.expand()))
	}
	for _, r := range m.ConfigMapTargetRef {
		spec.ConfigMapTargetRef = append(spec.ConfigMapTargetRef, v1alpha1.AuthConfigMapTargetRef(r.expand()))
	}
	for _, e := range m.Env {
		spec.Env = append(spec.Env, v1alpha1.AuthEnvironment{
			Parameter: str(e.Parameter), Name: str(e.Name), ContainerName: str(e.ContainerName),
		})
	}
	for _, b := range m.BoundServiceAccountToken {
		spec.BoundServiceAccountToken = append(spec.BoundServiceAccountToken, v1alpha1.BoundServiceAccountToken{
			Parameter: str(b.Parameter), ServiceAccountName: str(b.ServiceAccountName),
		})
	}
	if v := m.HashicorpVault; v != nil {
		vault := &v1alpha1.HashiCorpVault{
			Address:        str(v.Address),
			Authentication: v1alpha1.VaultAuthentication(str(v.Authentication)),
			Namespace:      str(v.Namespace),
			Role:           str(v.Role),
			Mount:          str(v.Mount),
		}
		if c := v.Credential; c != nil {
			vault.Credential = &v1alpha1.Credential{
				Token: str(c.Token), ServiceAccount: str(c.ServiceAccount), ServiceAccountName: str(c.ServiceAccountName),
			}
		}
		for _, s := range v.Secret {
			secret := v1alpha1.VaultSecret{
				Parameter: str(s.Parameter), Path: str(s.Path), Key: str(s.Key), Type: v1alpha1.VaultSecretType(str(s.Type)),
			}
			if p := s.PkiData; p != nil {
				secret.PkiData = v1alpha1.VaultPkiData{
					CommonName: str(p.CommonName), AltNames: str(p.AltNames), IPSans: str(p.IPSans),
					URISans: str(p.URISans), OtherSans: str(p.OtherSans), TTL: str(p.TTL), Format: str(p.Format),
				}
			}
			vault.Secrets = append(vault.Secrets, secret)
		}
		spec.HashiCorpVault = vault
	}
	if a := m.AzureKeyVault; a != nil {
		akv := &v1alpha1.AzureKeyVault{VaultURI: str(a.VaultURI), PodIdentity: expandPodIdentity(a.PodIdentity)}
		for _, s := range a.Secret {
			akv.Secrets = append(akv.Secrets, v1alpha1.AzureKeyVaultSecret{
				Parameter: str(s.Parameter), Name: str(s.Name), Version: str(s.Version),
			})
		}
		if c := a.Credentials; c != nil {
			akv.Credentials = &v1alpha1.AzureKeyVaultCredentials{ClientID: str(c.ClientID), TenantID: str(c.TenantID)}
			if c.ClientSecret != nil {
				akv.Credentials.ClientSecret = &v1alpha1.AzureKeyVaultClientSecret{ValueFrom: c.ClientSecret.expand()}
			}
		}
		if c := a.Cloud; c != nil {
			akv.Cloud = &v1alpha1.AzureKeyVaultCloudInfo{
				Type: str(c.Type), KeyVaultResourceURL: str(c.KeyVaultResourceURL), ActiveDirectoryEndpoint: str(c.ActiveDirectoryEndpoint),
			}
		}
		spec.AzureKeyVault = akv
	}
	if a := m.AwsSecretManager; a != nil {
		asm := &v1alpha1.AwsSecretManager{Region: str(a.Region), PodIdentity: expandPodIdentity(a.PodIdentity)}
		for _, s := range a.Secret {
			asm.Secrets = append(asm.Secrets, v1alpha1.AwsSecretManagerSecret{
				Parameter: str(s.Parameter), Name: str(s.Name), VersionID: str(s.VersionID),
				VersionStage: str(s.VersionStage), SecretKey: str(s.SecretKey),
			})
		}
		if c := a.Credentials; c != nil {
			asm.Credentials = &v1alpha1.AwsSecretManagerCredentials{
				AccessKey:       c.AccessKey.expandAws(),
				AccessSecretKey: c.AccessSecretKey.expandAws(),
				AccessToken:     c.AccessToken.expandAws(),
			}
		}
		spec.AwsSecretManager = asm
	}
	if g := m.GcpSecretManager; g != nil {
		gsm := &v1alpha1.GCPSecretManager{PodIdentity: expandPodIdentity(g.PodIdentity)}
		for _, s := range g.Secret {
			gsm.Secrets = append(gsm.Secrets, v1alpha1.GCPSecretManagerSecret{
				Parameter: str(s.Parameter), ID: str(s.ID), Version: str(s.Version),
			})
		}
		if c := g.Credentials; c != nil && c.ClientSecret != nil {
			gsm.Credentials = &v1alpha1.GCPCredentials{
				ClientSecret: v1alpha1.GCPSecretmanagerClientSecret{ValueFrom: c.ClientSecret.expand()},
			}
		}
		spec.GCPSecretManager = gsm
	}
	if o := m.OAuth2; o != nil {
		grant := v1alpha1.OAuth2GrantType(str(o.Type))
		if grant == "" {
			grant = v1alpha1.OAuth2GrantTypeClientCredentials
		}
		oauth := &v1alpha1.OAuth2{
			Type:           grant,
			ClientID:       str(o.ClientID),
			TokenURL:       str(o.TokenURL),
			Scopes:         stringList(o.Scopes),
			TokenURLParams: stringMap(o.TokenURLParams),
		}
		if o.ClientSecret != nil {
			oauth.ClientSecret = v1alpha1.OAuth2ClientSecret{ValueFrom: o.ClientSecret.expand()}
		}
		spec.OAuth2 = oauth
	}
	if a := m.AzureServicePrincipal; a != nil {
		spec.AzureServicePrincipal = &v1alpha1.AzureServicePrincipal{
			TenantID:                  str(a.TenantID),
			ClientID:                  str(a.ClientID),
			Cloud:                     str(a.Cloud),
			ActiveDirectoryEndpoint:   str(a.ActiveDirectoryEndpoint),
			ClientSecret:              a.ClientSecret.expandAzureSP(),
			ClientCertificate:         a.ClientCertificate.expandAzureSP(),
			ClientCertificatePassword: a.ClientCertificatePassword.expandAzureSP(),
		}
	}
	return spec
}

func (r TargetRefModel) expand() v1alpha1.AuthTargetRef {
	return v1alpha1.AuthTargetRef{Parameter: str(r.Parameter), Name: str(r.Name), Key: str(r.Key)}
}

func (r *SecretKeyRefModel) expand() v1alpha1.ValueFromSecret {
	return v1alpha1.ValueFromSecret{SecretKeyRef: v1alpha1.SecretKeyRef{Name: str(r.Name), Key: str(r.Key)}}
}

func (r *SecretKeyRefModel) expandAws() *v1alpha1.AwsSecretManagerValue {
	if r == nil {
		return nil
	}
	return &v1alpha1.AwsSecretManagerValue{ValueFrom: r.expand()}
}

func (r *SecretKeyRefModel) expandAzureSP() *v1alpha1.AzureServicePrincipalCredential {
	if r == nil {
		return nil
	}
	return &v1alpha1.AzureServicePrincipalCredential{ValueFrom: r.expand()}
}

func expandPodIdentity(p *PodIdentityModel) *v1alpha1.AuthPodIdentity {
	if p == nil {
		return nil
	}
	return &v1alpha1.AuthPodIdentity{
		Provider:              v1alpha1.PodIdentityProvider(str(p.Provider)),
		IdentityID:            strPtr(p.IdentityID),
		IdentityTenantID:      strPtr(p.IdentityTenantID),
		IdentityAuthorityHost: strPtr(p.IdentityAuthorityHost),
		RoleArn:               strPtr(p.RoleArn),
		ExternalID:            strPtr(p.ExternalID),
		IdentityOwner:         strPtr(p.IdentityOwner),
	}
}

// FlattenTriggerAuthSpec converts KEDA's spec back into the model. prior is
// the prior state, nil on import: when it writes what the cluster holds
// (empty lists and maps are omitted either way), it stands as it is, so
// that `scopes = []` is no change.
func FlattenTriggerAuthSpec(spec v1alpha1.TriggerAuthenticationSpec, prior *TriggerAuthSpecModel) TriggerAuthSpecModel {
	if prior != nil && sameStoredSpec(prior.Expand(), spec) {
		return *prior
	}
	m := TriggerAuthSpecModel{
		FilePath:    fromStr(spec.FilePath),
		PodIdentity: flattenPodIdentity(spec.PodIdentity),
	}
	for _, r := range spec.SecretTargetRef {
		m.SecretTargetRef = append(m.SecretTargetRef, flattenTargetRef(v1alpha1.AuthTargetRef(r)))
	}
	for _, r := range spec.ConfigMapTargetRef {
		m.ConfigMapTargetRef = append(m.ConfigMapTargetRef, flattenTargetRef(v1alpha1.AuthTargetRef(r)))
	}
	for _, e := range spec.Env {
		m.Env = append(m.Env, AuthEnvModel{
			Parameter: fromStr(e.Parameter), Name: fromStr(e.Name), ContainerName: fromStr(e.ContainerName),
		})
	}
	for _, b := range spec.BoundServiceAccountToken {
		m.BoundServiceAccountToken = append(m.BoundServiceAccountToken, BoundSATokenModel{
			Parameter: fromStr(b.Parameter), ServiceAccountName: fromStr(b.ServiceAccountName),
		})
	}
	if v := spec.HashiCorpVault; v != nil {
		vault := &VaultModel{
			Address:        fromStr(v.Address),
			Authentication: fromStr(string(v.Authentication)),
			Namespace:      fromStr(v.Namespace),
			Role:           fromStr(v.Role),
			Mount:          fromStr(v.Mount),
		}
		if c := v.Credential; c != nil {
			vault.Credential = &VaultCredentialModel{
				Token: fromStr(c.Token), ServiceAccount: fromStr(c.ServiceAccount), ServiceAccountName: fromStr(c.ServiceAccountName),
			}
		}
		for _, s := range v.Secrets {
			secret := VaultSecretModel{
				Parameter: fromStr(s.Parameter), Path: fromStr(s.Path), Key: fromStr(s.Key), Type: fromStr(string(s.Type)),
			}
			if p := s.PkiData; p != (v1alpha1.VaultPkiData{}) {
				secret.PkiData = &VaultPkiDataModel{
					CommonName: fromStr(p.CommonName), AltNames: fromStr(p.AltNames), IPSans: fromStr(p.IPSans),
					URISans: fromStr(p.URISans), OtherSans: fromStr(p.OtherSans), TTL: fromStr(p.TTL), Format: fromStr(p.Format),
				}
			}
			vault.Secret = append(vault.Secret, secret)
		}
		m.HashicorpVault = vault
	}
	if a := spec.AzureKeyVault; a != nil {
		akv := &AzureKeyVaultModel{VaultURI: fromStr(a.VaultURI), PodIdentity: flattenPodIdentity(a.PodIdentity)}
		for _, s := range a.Secrets {
			akv.Secret = append(akv.Secret, AzureKeyVaultSecretModel{
				Parameter: fromStr(s.Parameter), Name: fromStr(s.Name), Version: fromStr(s.Version),
			})
		}
		if c := a.Credentials; c != nil {
			akv.Credentials = &AzureKeyVaultCredentialsModel{ClientID: fromStr(c.ClientID), TenantID: fromStr(c.TenantID)}
			if c.ClientSecret != nil {
				akv.Credentials.ClientSecret = flattenSecretKeyRef(c.ClientSecret.ValueFrom)
			}
		}
		if c := a.Cloud; c != nil {
			akv.Cloud = &AzureKeyVaultCloudModel{
				Type: fromStr(c.Type), KeyVaultResourceURL: fromStr(c.KeyVaultResourceURL), ActiveDirectoryEndpoint: fromStr(c.ActiveDirectoryEndpoint),
			}
		}
		m.AzureKeyVault = akv
	}
	if a := spec.AwsSecretManager; a != nil {
		asm := &AwsSecretManagerModel{Region: fromStr(a.Region), PodIdentity: flattenPodIdentity(a.PodIdentity)}
		for _, s := range a.Secrets {
			asm.Secret = append(asm.Secret, AwsSecretManagerSecretModel{
				Parameter: fromStr(s.Parameter), Name: fromStr(s.Name), VersionID: fromStr(s.VersionID),
				VersionStage: fromStr(s.VersionStage), SecretKey: fromStr(s.SecretKey),
			})
		}
		if c := a.Credentials; c != nil {
			asm.Credentials = &AwsCredentialsModel{}
			if c.AccessKey != nil {
				asm.Credentials.AccessKey = flattenSecretKeyRef(c.AccessKey.ValueFrom)
			}
			if c.AccessSecretKey != nil {
				asm.Credentials.AccessSecretKey = flattenSecretKeyRef(c.AccessSecretKey.ValueFrom)
			}
			if c.AccessToken != nil {
				asm.Credentials.AccessToken = flattenSecretKeyRef(c.AccessToken.ValueFrom)
			}
		}
		m.AwsSecretManager = asm
	}
	if g := spec.GCPSecretManager; g != nil {
		gsm := &GcpSecretManagerModel{PodIdentity: flattenPodIdentity(g.PodIdentity)}
		for _, s := range g.Secrets {
			gsm.Secret = append(gsm.Secret, GcpSecretManagerSecretModel{
				Parameter: fromStr(s.Parameter), ID: fromStr(s.ID), Version: fromStr(s.Version),
			})
		}
		if c := g.Credentials; c != nil {
			gsm.Credentials = &GcpCredentialsModel{ClientSecret: flattenSecretKeyRef(c.ClientSecret.ValueFrom)}
		}
		m.GcpSecretManager = gsm
	}
	if o := spec.OAuth2; o != nil {
		oauth := &OAuth2Model{
			Type:           fromStr(string(o.Type)),
			ClientID:       fromStr(o.ClientID),
			TokenURL:       fromStr(o.TokenURL),
			Scopes:         listValue(o.Scopes),
			TokenURLParams: mapValue(o.TokenURLParams),
		}
		if o.ClientSecret.ValueFrom != (v1alpha1.ValueFromSecret{}) {
			oauth.ClientSecret = flattenSecretKeyRef(o.ClientSecret.ValueFrom)
		}
		m.OAuth2 = oauth
	}
	if a := spec.AzureServicePrincipal; a != nil {
		sp := &AzureServicePrincipalModel{
			TenantID:                fromStr(a.TenantID),
			ClientID:                fromStr(a.ClientID),
			Cloud:                   fromStr(a.Cloud),
			ActiveDirectoryEndpoint: fromStr(a.ActiveDirectoryEndpoint),
		}
		if a.ClientSecret != nil {
			sp.ClientSecret = flattenSecretKeyRef(a.ClientSecret.ValueFrom)
		}
		if a.ClientCertificate != nil {
			sp.ClientCertificate = flattenSecretKeyRef(a.ClientCertificate.ValueFrom)
		}
		if a.ClientCertificatePassword != nil {
			sp.ClientCertificatePassword = flattenSecretKeyRef(a.ClientCertificatePassword.ValueFrom)
		}
		m.AzureServicePrincipal = sp
	}
	return m
}

func flattenTargetRef(r v1alpha1.AuthTargetRef) TargetRefModel {
	return TargetRefModel{Parameter: fromStr(r.Parameter), Name: fromStr(r.Name), Key: fromStr(r.Key)}
}

func flattenSecretKeyRef(v v1alpha1.ValueFromSecret) *SecretKeyRefModel {
	return &SecretKeyRefModel{Name: fromStr(v.SecretKeyRef.Name), Key: fromStr(v.SecretKeyRef.Key)}
}

func flattenPodIdentity(p *v1alpha1.AuthPodIdentity) *PodIdentityModel {
	if p == nil {
		return nil
	}
	return &PodIdentityModel{
		Provider:              types.StringValue(string(p.Provider)),
		IdentityID:            fromStrPtr(p.IdentityID),
		IdentityTenantID:      fromStrPtr(p.IdentityTenantID),
		IdentityAuthorityHost: fromStrPtr(p.IdentityAuthorityHost),
		RoleArn:               fromStrPtr(p.RoleArn),
		ExternalID:            fromStrPtr(p.ExternalID),
		IdentityOwner:         fromStrPtr(p.IdentityOwner),
	}
}

// sameStoredSpec reports whether two specs are stored alike: encoded as the
// API server receives them, where empty lists and maps are omitted.
func sameStoredSpec(a, b v1alpha1.TriggerAuthenticationSpec) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}
