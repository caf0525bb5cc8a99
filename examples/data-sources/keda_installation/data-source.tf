# What runs in the cluster, whoever installed it (keda_installation, KEDA's
# Helm chart, its release YAML).
data "keda_installation" "this" {}

# A module that needs a working KEDA says so at plan, instead of creating
# ScaledObjects nobody acts on.
resource "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "worker"
    namespace = "ml-inference"
  }
  scale_target_ref {
    name = "worker"
  }
  trigger {
    cpu { utilization = 70 }
  }

  lifecycle {
    precondition {
      condition     = data.keda_installation.this.available
      error_message = "KEDA is not available in this cluster: install it first (keda_installation)."
    }
  }
}

output "keda" {
  value = {
    version      = data.keda_installation.this.version
    namespace    = data.keda_installation.this.namespace
    installed_by = data.keda_installation.this.installed_by
  }
}
