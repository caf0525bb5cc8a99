package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/kedacore/keda/v2/apis/keda/v1alpha1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/kedaml/terraform-provider-keda/internal/kube"
)

func TestAccTriggerAuthentication_lifecycle(t *testing.T) {
	ns := testNamespace(t)
	addr := "keda_trigger_authentication.rabbitmq"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "keda_trigger_authentication" "rabbitmq" {
  metadata {
    name      = "rabbitmq-trigger-auth"
    namespace = %q
    labels    = { team = "ml" }
  }
  secret_target_ref {
    parameter = "host"
    name      = "rabbitmq-creds"
    key       = "host"
  }
}`, ns),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(ns+"/rabbitmq-trigger-auth")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("metadata").AtMapKey("uid"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("secret_target_ref").AtSliceIndex(0).AtMapKey("key"), knownvalue.StringExact("host")),
				},
				Check: checkTriggerAuth(t, ns, "rabbitmq-trigger-auth", func(ta *v1alpha1.TriggerAuthentication) error {
					want := []v1alpha1.AuthSecretTargetRef{{Parameter: "host", Name: "rabbitmq-creds", Key: "host"}}
					if fmt.Sprint(ta.Spec.SecretTargetRef) != fmt.Sprint(want) || ta.Labels["team"] != "ml" {
						return fmt.Errorf("unexpected object: %+v labels %v", ta.Spec.SecretTargetRef, ta.Labels)
					}
					return nil
				}),
			},
			{
				Config: fmt.Sprintf(`
resource "keda_trigger_authentication" "rabbitmq" {
  metadata {
    name      = "rabbitmq-trigger-auth"
    namespace = %q
    labels    = { team = "ml-platform" }
  }
  secret_target_ref {
    parameter = "host"
    name      = "rabbitmq-creds"
    key       = "host"
  }
  config_map_target_ref {
    parameter = "vhostName"
    name      = "rabbitmq-settings"
    key       = "vhost"
  }
  env {
    parameter      = "queueName"
    name           = "QUEUE"
    container_name = "worker"
  }
}`, ns),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
				Check: checkTriggerAuth(t, ns, "rabbitmq-trigger-auth", func(ta *v1alpha1.TriggerAuthentication) error {
					if len(ta.Spec.ConfigMapTargetRef) != 1 || len(ta.Spec.Env) != 1 || ta.Labels["team"] != "ml-platform" {
						return fmt.Errorf("update not applied: %+v labels %v", ta.Spec, ta.Labels)
					}
					return nil
				}),
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           ns + "/rabbitmq-trigger-auth",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

func TestAccTriggerAuthentication_drift(t *testing.T) {
	ns := testNamespace(t)
	config := fmt.Sprintf(`
resource "keda_trigger_authentication" "this" {
  metadata {
    name      = "drift"
    namespace = %q
  }
  secret_target_ref {
    parameter = "password"
    name      = "creds"
    key       = "password"
  }
}`, ns)
	client := testClient(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				// Someone edits a declared field by hand: the plan shows it and apply restores it.
				PreConfig: func() {
					api, _ := client.TriggerAuthentications(ns)
					patch := []byte(`{"spec":{"secretTargetRef":[{"parameter":"password","name":"other","key":"pw"}]}}`)
					_, err := api.RawPatch(context.Background(), "drift", types.MergePatchType, patch)
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("keda_trigger_authentication.this", plancheck.ResourceActionUpdate)},
				},
				Check: checkTriggerAuth(t, ns, "drift", func(ta *v1alpha1.TriggerAuthentication) error {
					if ta.Spec.SecretTargetRef[0].Name != "creds" {
						return fmt.Errorf("drift not corrected: %+v", ta.Spec.SecretTargetRef)
					}
					return nil
				}),
			},
			{
				// Someone deletes it: the plan recreates it.
				PreConfig: func() {
					api, _ := client.TriggerAuthentications(ns)
					if err := api.Delete(context.Background(), "drift"); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("keda_trigger_authentication.this", plancheck.ResourceActionCreate)},
				},
				Check: checkTriggerAuth(t, ns, "drift", func(*v1alpha1.TriggerAuthentication) error { return nil }),
			},
		},
		CheckDestroy: func(*terraform.State) error {
			api, _ := client.TriggerAuthentications(ns)
			if _, err := api.Get(context.Background(), "drift"); err == nil {
				return fmt.Errorf("TriggerAuthentication %s/drift still exists after destroy", ns)
			}
			return nil
		},
	})
}

// `labels = {}` and `annotations = {}`, which modules pass when the caller
// gives none, apply and leave nothing to plan (the test framework plans
// again after each apply and fails on a diff), on every kind of object; a
// refresh after a label is added by someone else keeps them empty.
func TestAccMetadata_emptyMaps(t *testing.T) {
	ns := testNamespace(t)
	client := testClient(t)
	config := fmt.Sprintf(`
resource "keda_trigger_authentication" "empty" {
  metadata {
    name        = "empty-maps"
    namespace   = %[1]q
    labels      = {}
    annotations = {}
  }
  env {
    parameter = "host"
    name      = "HOST"
  }
}

resource "keda_cluster_trigger_authentication" "empty" {
  metadata {
    name        = "empty-maps-%[1]s"
    labels      = {}
    annotations = {}
  }
  env {
    parameter = "host"
    name      = "HOST"
  }
}

resource "keda_ml_scaled_object" "empty" {
  metadata {
    name        = "empty-maps"
    namespace   = %[1]q
    labels      = {}
    annotations = {}
  }
  scale_target_ref {
    name = "worker"
  }
  trigger {
    rabbitmq {
      queue_name = "q"
    }
    authentication_ref {
      name = keda_trigger_authentication.empty.metadata.name
    }
  }
}`, ns)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("keda_ml_scaled_object.empty", tfjsonpath.New("metadata").AtMapKey("labels"), knownvalue.MapExact(map[string]knownvalue.Check{})),
					statecheck.ExpectKnownValue("keda_cluster_trigger_authentication.empty", tfjsonpath.New("metadata").AtMapKey("annotations"), knownvalue.MapExact(map[string]knownvalue.Check{})),
				},
			},
			{
				PreConfig: func() {
					api, _ := client.TriggerAuthentications(ns)
					patch := []byte(`{"metadata":{"labels":{"added-by":"someone-else"}}}`)
					if _, err := api.RawPatch(context.Background(), "empty-maps", types.MergePatchType, patch); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
		CheckDestroy: func(*terraform.State) error {
			tas, _ := client.TriggerAuthentications(ns)
			ctas, _ := client.ClusterTriggerAuthentications()
			sos, _ := client.ScaledObjects(ns)
			if _, err := tas.Get(context.Background(), "empty-maps"); !kube.IsNotFound(err) {
				return fmt.Errorf("TriggerAuthentication after destroy: %w", err)
			}
			if _, err := ctas.Get(context.Background(), "empty-maps-"+ns); !kube.IsNotFound(err) {
				return fmt.Errorf("ClusterTriggerAuthentication after destroy: %w", err)
			}
			if _, err := sos.Get(context.Background(), "empty-maps"); !kube.IsNotFound(err) {
				return fmt.Errorf("ScaledObject after destroy: %w", err)
			}
			return nil
		},
	})
}

// An object Terraform did not create but that has our name is adopted and
// labels that other managers added are left alone.
func TestAccTriggerAuthentication_foreignLabelsIgnored(t *testing.T) {
	ns := testNamespace(t)
	client := testClient(t)
	config := fmt.Sprintf(`
resource "keda_trigger_authentication" "this" {
  metadata {
    name      = "labels"
    namespace = %q
    labels    = { owner = "terraform" }
  }
  env {
    parameter = "host"
    name      = "HOST"
  }
}`, ns)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					api, _ := client.TriggerAuthentications(ns)
					patch := []byte(`{"metadata":{"labels":{"added-by":"someone-else"},"annotations":{"note":"hand-made"}}}`)
					if _, err := api.RawPatch(context.Background(), "labels", types.MergePatchType, patch); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

func TestAccTriggerAuthentication_allSources(t *testing.T) {
	ns := testNamespace(t)
	addr := "keda_trigger_authentication.all"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`
resource "keda_trigger_authentication" "all" {
  metadata {
    name        = "all-sources"
    namespace   = %q
    annotations = { "example.com/purpose" = "test" }
  }
  secret_target_ref {
    parameter = "password"
    name      = "creds"
    key       = "password"
  }
  bound_service_account_token {
    parameter            = "bearerToken"
    service_account_name = "prometheus-reader"
  }
  pod_identity {
    provider       = "aws"
    role_arn       = "arn:aws:iam::123456789012:role/keda"
    external_id    = "ext"
    identity_owner = "keda"
  }
  hashicorp_vault {
    address        = "https://vault.example:8200"
    authentication = "token"
    credential {
      token = "s.supersecret"
    }
    secret {
      parameter = "password"
      path      = "secret/data/rabbitmq"
      key       = "password"
      type      = "secretV2"
    }
    secret {
      parameter = "ca"
      path      = "pki/issue/keda"
      key       = "ca_chain"
      type      = "pki"
      pki_data {
        common_name = "keda.example"
        ttl         = "24h"
      }
    }
  }
  azure_key_vault {
    vault_uri = "https://ml.vault.azure.net"
    secret {
      parameter = "connection"
      name      = "servicebus-connection"
      version   = "1"
    }
    credentials {
      client_id = "client"
      tenant_id = "tenant"
      client_secret {
        name = "azure-creds"
        key  = "secret"
      }
    }
    cloud {
      type = "AzurePublicCloud"
    }
  }
  aws_secret_manager {
    region = "eu-west-1"
    secret {
      parameter  = "token"
      name       = "ml/token"
      secret_key = "token"
    }
    credentials {
      access_key {
        name = "aws-creds"
        key  = "AWS_ACCESS_KEY_ID"
      }
      access_secret_key {
        name = "aws-creds"
        key  = "AWS_SECRET_ACCESS_KEY"
      }
    }
  }
  gcp_secret_manager {
    secret {
      parameter = "credentials"
      id        = "pubsub-creds"
      version   = "3"
    }
    pod_identity {
      provider = "gcp"
    }
  }
  oauth2 {
    client_id = "keda"
    token_url = "https://auth.example/oauth/token"
    scopes    = ["metrics.read"]
    client_secret {
      name = "oauth"
      key  = "secret"
    }
  }
  azure_service_principal {
    tenant_id = "tenant"
    client_id = "client"
    client_secret {
      name = "sp"
      key  = "secret"
    }
  }
}`, ns),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("oauth2").AtMapKey("type"), knownvalue.StringExact("clientCredentials")),
					statecheck.ExpectSensitiveValue(addr, tfjsonpath.New("hashicorp_vault").AtMapKey("credential").AtMapKey("token")),
				},
				Check: checkTriggerAuth(t, ns, "all-sources", func(ta *v1alpha1.TriggerAuthentication) error {
					s := ta.Spec
					switch {
					case s.HashiCorpVault == nil || len(s.HashiCorpVault.Secrets) != 2 || s.HashiCorpVault.Secrets[1].PkiData.CommonName != "keda.example":
						return fmt.Errorf("vault: %+v", s.HashiCorpVault)
					case s.AzureKeyVault == nil || s.AzureKeyVault.Credentials.ClientSecret.ValueFrom.SecretKeyRef.Key != "secret":
						return fmt.Errorf("azure key vault: %+v", s.AzureKeyVault)
					case s.AwsSecretManager == nil || s.AwsSecretManager.Credentials.AccessSecretKey == nil:
						return fmt.Errorf("aws: %+v", s.AwsSecretManager)
					case s.GCPSecretManager == nil || s.GCPSecretManager.PodIdentity == nil:
						return fmt.Errorf("gcp: %+v", s.GCPSecretManager)
					case s.PodIdentity == nil || *s.PodIdentity.RoleArn == "" || len(s.BoundServiceAccountToken) != 1:
						return fmt.Errorf("pod identity / bound token: %+v", s)
					case s.OAuth2 == nil || s.AzureServicePrincipal == nil:
						return fmt.Errorf("oauth2 / service principal: %+v", s)
					}
					return nil
				}),
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           ns + "/all-sources",
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

func TestAccClusterTriggerAuthentication_lifecycle(t *testing.T) {
	testAccPreCheck(t)
	name := fmt.Sprintf("cta-%s", testNamespace(t))
	addr := "keda_cluster_trigger_authentication.shared"
	config := func(param string) string {
		return fmt.Sprintf(`
resource "keda_cluster_trigger_authentication" "shared" {
  metadata {
    name = %q
  }
  secret_target_ref {
    parameter = %q
    name      = "shared-creds"
    key       = "value"
  }
}`, name, param)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config("host"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact(name)),
				},
			},
			{
				Config: config("password"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)},
				},
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           name,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"timeouts"},
			},
		},
	})
}

func TestTriggerAuthentication_validation(t *testing.T) {
	cases := map[string]struct {
		body string
		want string
	}{
		"secret_target_ref without key": {
			body: `secret_target_ref {
    parameter = "host"
    name      = "creds"
  }`,
			want: `(?s)secret_target_ref \{.*"key" is required`,
		},
		"invalid name": {
			body: `env {
    parameter = "host"
    name      = "HOST"
  }`,
			want: `(?s)Invalid Kubernetes name.*Attribute metadata.name value "Not_Valid"`,
		},
		"unknown pod identity provider": {
			body: `pod_identity { provider = "azure" }`,
			want: `(?s)pod_identity.provider.*value must be one of`,
		},
		"vault without secrets": {
			body: `hashicorp_vault {
    address        = "https://vault:8200"
    authentication = "token"
  }`,
			want: `(?s)Attribute hashicorp_vault.secret is required`,
		},
		"external id without role": {
			body: `pod_identity {
    provider    = "aws"
    external_id = "x"
  }`,
			want: `(?s)Attribute pod_identity.external_id: KEDA would\s+reject.*externalID of\s+PodIdentity requires roleArn`,
		},
		"role arn with workload owner": {
			body: `pod_identity {
    provider       = "aws"
    role_arn       = "arn:aws:iam::1:role/x"
    identity_owner = "workload"
  }`,
			want: `(?s)Attribute pod_identity.role_arn: KEDA would\s+reject.*roleArn`,
		},
		"oauth2 token url not http": {
			body: `oauth2 {
    client_id = "c"
    token_url = "ftp://auth"
    client_secret {
      name = "s"
      key  = "k"
    }
  }`,
			want: `(?s)Invalid URL.*Attribute oauth2.token_url value "ftp://auth"`,
		},
		"service principal without credential": {
			body: `azure_service_principal {
    tenant_id = "t"
    client_id = "c"
  }`,
			want: `(?s)Attribute azure_service_principal: KEDA would\s+reject.*either\s+clientSecret\s+or\s+clientCertificate`,
		},
		"empty string": {
			body: `env {
    parameter = ""
    name      = "HOST"
  }`,
			want: `(?s)Attribute env\[0\].parameter string length must be at least 1`,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			objName := "valid"
			if name == "invalid name" {
				objName = "Not_Valid"
			}
			testPlanFails(t, fmt.Sprintf(`
resource "keda_trigger_authentication" "bad" {
  metadata {
    name = %q
  }
  %s
}`, objName, tc.body), tc.want)
		})
	}
}

// Planning a new object never contacts the cluster: nothing listens on the
// configured host.
func TestTriggerAuthentication_planWithoutCluster(t *testing.T) {
	testPlansOffline(t, `
resource "keda_trigger_authentication" "new" {
  metadata {
    name      = "offline"
    namespace = "ml"
  }
  secret_target_ref {
    parameter = "host"
    name      = "rabbitmq"
    key       = "host"
  }
}`)
}

func checkTriggerAuth(t *testing.T, ns, name string, check func(*v1alpha1.TriggerAuthentication) error) resource.TestCheckFunc {
	return func(*terraform.State) error {
		api, err := testClient(t).TriggerAuthentications(ns)
		if err != nil {
			return err
		}
		ta, err := api.Get(context.Background(), name)
		if err != nil {
			return err
		}
		return check(ta)
	}
}
