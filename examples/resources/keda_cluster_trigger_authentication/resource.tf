# Shared RabbitMQ credentials for triggers in every namespace. The Secret
# lives in KEDA's namespace.
resource "keda_cluster_trigger_authentication" "rabbitmq" {
  metadata {
    name = "rabbitmq-shared"
  }
  secret_target_ref {
    parameter = "host"
    name      = "rabbitmq-creds"
    key       = "host"
  }
}
