package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The same objects for every tool: one TriggerAuthentication and n
// ScaledObjects, each with a rabbitmq trigger that refers to it.

const authYAML = `apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: rabbitmq
  namespace: bench
spec:
  secretTargetRef:
  - parameter: host
    name: rabbitmq-creds
    key: host
`

func scaledObjectYAML(i int) string {
	return fmt.Sprintf(`apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: worker-%[1]d
  namespace: bench
spec:
  scaleTargetRef:
    name: worker-%[1]d
  maxReplicaCount: 10
  triggers:
  - type: rabbitmq
    metadata:
      protocol: amqp
      queueName: queue-%[1]d
      mode: QueueLength
      value: "5"
    authenticationRef:
      name: rabbitmq
`, i)
}

func writeYAML(dir string, n int) error {
	docs := []string{authYAML}
	for i := range n {
		docs = append(docs, scaledObjectYAML(i))
	}
	return os.WriteFile(filepath.Join(dir, "objects.yaml"), []byte(strings.Join(docs, "---\n")), 0o644)
}

func writeProviderConfig(dir string, n int) error {
	config := fmt.Sprintf(`terraform {
  required_providers {
    keda = { source = "kedaml/keda" }
  }
}

resource "keda_trigger_authentication" "rabbitmq" {
  metadata {
    name      = "rabbitmq"
    namespace = "bench"
  }
  secret_target_ref {
    parameter = "host"
    name      = "rabbitmq-creds"
    key       = "host"
  }
}

resource "keda_ml_scaled_object" "worker" {
  count = %d
  metadata {
    name      = "worker-${count.index}"
    namespace = "bench"
  }
  scale_target_ref {
    name = "worker-${count.index}"
  }
  max_replica_count = 10
  trigger {
    rabbitmq {
      protocol   = "amqp"
      queue_name = "queue-${count.index}"
      mode       = "QueueLength"
      value      = 5
    }
    authentication_ref {
      name = keda_trigger_authentication.rabbitmq.metadata.name
    }
  }
}
`, n)
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644)
}

func writeKubectlManifestConfig(dir string, n int) error {
	config := fmt.Sprintf(`terraform {
  required_providers {
    kubectl = { source = "gavinbunney/kubectl" }
  }
}

provider "kubectl" {
  load_config_file = true
}

resource "kubectl_manifest" "auth" {
  server_side_apply = true
  yaml_body         = <<YAML
%s
YAML
}

resource "kubectl_manifest" "worker" {
  count             = %d
  server_side_apply = true
  depends_on        = [kubectl_manifest.auth]
  yaml_body         = <<YAML
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: worker-${count.index}
  namespace: bench
spec:
  scaleTargetRef:
    name: worker-${count.index}
  maxReplicaCount: 10
  triggers:
  - type: rabbitmq
    metadata:
      protocol: amqp
      queueName: queue-${count.index}
      mode: QueueLength
      value: "5"
    authenticationRef:
      name: rabbitmq
YAML
}
`, strings.TrimSpace(authYAML), n)
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644)
}

// writeTerraformDataConfig holds the same objects in Terraform's built-in
// terraform_data resource, which talks to no provider process and no API
// server: what Terraform itself spends per resource, the floor for any
// provider that manages one object per resource.
func writeTerraformDataConfig(dir string, n int) error {
	config := fmt.Sprintf(`resource "terraform_data" "auth" {
  input = {
    name      = "rabbitmq"
    namespace = "bench"
    secret_target_ref = [{ parameter = "host", name = "rabbitmq-creds", key = "host" }]
  }
}

resource "terraform_data" "worker" {
  count = %d
  input = {
    name              = "worker-${count.index}"
    namespace         = "bench"
    scale_target_ref  = { name = "worker-${count.index}" }
    max_replica_count = 10
    trigger = [{
      rabbitmq           = { protocol = "amqp", queue_name = "queue-${count.index}", mode = "QueueLength", value = 5 }
      authentication_ref = { name = terraform_data.auth.output.name }
    }]
  }
}
`, n)
	return os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644)
}
