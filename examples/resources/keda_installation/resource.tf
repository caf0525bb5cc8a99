# KEDA with upstream defaults, in the "keda" namespace.
resource "keda_installation" "this" {}

# A highly available KEDA pulled from a private mirror, on system nodes.
resource "keda_installation" "ha" {
  namespace          = "autoscaling"
  image_registry     = "registry.internal/ghcr-mirror"
  image_pull_secrets = ["mirror-credentials"]

  operator {
    replicas  = 2
    log_level = "info"
    resources {
      requests = { cpu = "200m", memory = "256Mi" }
      limits   = { cpu = "1", memory = "1Gi" }
    }
  }
  metrics_server {
    replicas = 2
  }
  webhooks {
    enabled  = true
    replicas = 2
  }

  node_selector       = { "node-role.kubernetes.io/system" = "true" }
  priority_class_name = "system-cluster-critical"
  toleration {
    key      = "CriticalAddonsOnly"
    operator = "Exists"
  }

  timeouts {
    create = "15m"
  }
}
