# RabbitMQ credentials for queue workers, from a Secret holding the AMQP URI.
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

# Basic auth for an authenticated Prometheus; the trigger sets auth_modes = ["basic"].
resource "keda_trigger_authentication" "prometheus" {
  metadata {
    name      = "prometheus-trigger-auth"
    namespace = "ml-inference"
  }
  secret_target_ref {
    parameter = "username"
    name      = "prometheus-creds"
    key       = "username"
  }
  secret_target_ref {
    parameter = "password"
    name      = "prometheus-creds"
    key       = "password"
  }
}

# Credentials read from HashiCorp Vault with Kubernetes authentication.
resource "keda_trigger_authentication" "vault" {
  metadata {
    name      = "vault-trigger-auth"
    namespace = "ml-inference"
  }
  hashicorp_vault {
    address        = "https://vault.internal:8200"
    authentication = "kubernetes"
    role           = "keda"
    mount          = "kubernetes"
    credential {
      service_account_name = "keda-operator"
    }
    secret {
      parameter = "password"
      path      = "secret/data/rabbitmq"
      key       = "password"
      type      = "secretV2"
    }
  }
}
