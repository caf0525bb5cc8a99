# Workspace environment variables (Variables > Workspace variables >
# Environment variable) configure the provider; the configuration names no
# cluster and no credential:
#
#   KUBE_HOST                  https://k8s.example.com:6443
#   KUBE_TOKEN                 <the ServiceAccount's token>          (Sensitive)
#   KUBE_CLUSTER_CA_CERT_DATA  -----BEGIN CERTIFICATE-----\n...      (PEM)

terraform {
  required_providers {
    keda = {
      source  = "kedaml/keda"
      version = ">= 0.1.0, < 1.0.0"
    }
  }
}

provider "keda" {}

resource "keda_trigger_authentication" "rabbitmq" {
  metadata {
    name      = "rabbitmq-trigger-auth"
    namespace = "ml-inference"
  }
  secret_target_ref {
    parameter = "host"
    name      = "rabbitmq-creds"
    key       = "host"
  }
}

resource "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "benthos-ml-worker-scaler"
    namespace = "ml-inference"
  }
  scale_target_ref {
    name = "benthos-ml-worker"
  }
  min_replica_count = 0
  max_replica_count = 20
  trigger {
    rabbitmq {
      protocol   = "amqp"
      queue_name = "inference_requests"
      mode       = "QueueLength"
      value      = 5
    }
    authentication_ref {
      name = keda_trigger_authentication.rabbitmq.metadata.name
    }
  }
}
