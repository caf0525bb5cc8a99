# The smallest useful configuration: RabbitMQ credentials for the queue
# workers of an ML inference namespace. `make demo` applies it against a
# local control plane; the provider reads KUBE_CONFIG_PATH.
terraform {
  required_providers {
    keda = {
      source = "kedaml/keda"
    }
  }
}

provider "keda" {}

variable "namespace" {
  type    = string
  default = "ml-inference"
}

resource "keda_trigger_authentication" "rabbitmq" {
  metadata {
    name      = "rabbitmq-trigger-auth"
    namespace = var.namespace
    labels    = { "app.kubernetes.io/part-of" = "ml-inference" }
  }
  secret_target_ref {
    parameter = "host"
    name      = "rabbitmq-creds"
    key       = "host"
  }
}

resource "keda_cluster_trigger_authentication" "prometheus" {
  metadata {
    name = "prometheus-shared"
  }
  bound_service_account_token {
    parameter            = "bearerToken"
    service_account_name = "prometheus-reader"
  }
}

output "trigger_authentications" {
  value = {
    namespaced = keda_trigger_authentication.rabbitmq.id
    cluster    = keda_cluster_trigger_authentication.prometheus.id
  }
}
