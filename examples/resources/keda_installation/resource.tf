# KEDA with upstream defaults, in the "keda" namespace: the newest bundled release.
resource "keda_installation" "this" {}

# A highly available KEDA pulled from a private mirror, on system nodes, with
# what platform teams set in KEDA's Helm chart.
resource "keda_installation" "ha" {
  namespace          = "autoscaling"
  version            = "2.21.0"
  image_registry     = "registry.internal/ghcr-mirror"
  image_pull_secrets = ["mirror-credentials"]

  node_selector       = { "node-role.kubernetes.io/system" = "true" }
  priority_class_name = "system-cluster-critical"
  toleration {
    key      = "CriticalAddonsOnly"
    operator = "Exists"
  }

  # Scalers reach the outside world through a proxy and trust a private CA.
  env {
    name  = "HTTPS_PROXY"
    value = "http://proxy.internal:3128"
  }
  env {
    name  = "NO_PROXY"
    value = "10.0.0.0/8,.svc,.cluster.local"
  }
  http {
    timeout = 5000
  }

  operator {
    replicas          = 2
    log_level         = "info"
    log_format        = "json"
    log_time_encoding = "rfc3339"
    resources {
      requests = { cpu = "200m", memory = "256Mi" }
      limits   = { cpu = "1", memory = "1Gi" }
    }
    pod_disruption_budget {
      min_available = "1"
    }
    topology_spread_constraint {
      max_skew     = 1
      topology_key = "topology.kubernetes.io/zone"
    }
    affinity {
      pod_anti_affinity {
        preferred_during_scheduling_ignored_during_execution {
          weight = 100
          pod_affinity_term {
            topology_key = "kubernetes.io/hostname"
            label_selector {
              match_labels = { app = "keda-operator" }
            }
          }
        }
      }
    }
    # KEDA reads extra CA certificates for its scalers from /custom/ca.
    volume {
      name = "corp-ca"
      config_map {
        name = "corp-ca-bundle"
      }
    }
    volume_mount {
      name       = "corp-ca"
      mount_path = "/custom/ca"
      read_only  = true
    }
  }
  metrics_server {
    replicas   = 2
    log_format = "json"
    pod_disruption_budget {
      max_unavailable = "1"
    }
  }
  webhooks {
    enabled  = true
    replicas = 2
    pod_disruption_budget {
      min_available = "1"
    }
  }

  timeouts {
    create = "15m"
  }
}
