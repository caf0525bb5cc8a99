# GKE with Workload Identity: KEDA's operator acts as a Google service account
# through the GKE metadata server of nodes that run it.
#
# Google Cloud side (not shown, needs the google provider): workload identity
# on the cluster and its node pools, a Google service account with the roles
# the scalers need (e.g. roles/pubsub.subscriber), and an IAM binding giving
# serviceAccount:PROJECT.svc.id.goog[keda/keda-operator] the role
# roles/iam.workloadIdentityUser on it.

locals {
  keda_gsa = "keda-operator@ml-project.iam.gserviceaccount.com"
}

resource "keda_installation" "this" {
  namespace = "keda"
  operator {
    service_account {
      annotations = { "iam.gke.io/gcp-service-account" = local.keda_gsa }
    }
  }
  # As KEDA's chart does with podIdentity.gcp.enabled: run on nodes with the
  # GKE metadata server.
  node_selector = { "iam.gke.io/gke-metadata-server-enabled" = "true" }
}

resource "keda_trigger_authentication" "gcp" {
  metadata {
    name      = "gcp-keda-identity"
    namespace = "ml-inference"
  }
  pod_identity {
    provider = "gcp"
  }
  depends_on = [keda_installation.this]
}

resource "keda_ml_scaled_object" "pubsub_worker" {
  metadata {
    name      = "pubsub-worker"
    namespace = "ml-inference"
  }
  scale_target_ref {
    name = "pubsub-worker"
  }
  trigger {
    type = "gcp-pubsub"
    metadata = {
      subscriptionName = "inference-requests"
      mode             = "SubscriptionSize"
      value            = "5"
    }
    authentication_ref {
      name = keda_trigger_authentication.gcp.metadata.name
    }
  }
}
