# AKS with Microsoft Entra Workload ID: the workload identity webhook gives
# pods labelled azure.workload.identity/use = "true" a token of the managed
# identity (or app registration) named on their ServiceAccount.
#
# Azure side (not shown, needs the azurerm provider): the cluster's OIDC issuer
# and workload identity enabled, a user-assigned identity with the roles the
# scalers need (e.g. Azure Service Bus Data Receiver), and a federated
# identity credential for subject system:serviceaccount:keda:keda-operator.

locals {
  keda_client_id = "00000000-0000-0000-0000-000000000001"
  tenant_id      = "00000000-0000-0000-0000-000000000002"
}

resource "keda_installation" "this" {
  namespace = "keda"
  operator {
    # The webhook acts on pods with this label.
    pod_labels = { "azure.workload.identity/use" = "true" }
    service_account {
      annotations = {
        "azure.workload.identity/client-id" = local.keda_client_id
        "azure.workload.identity/tenant-id" = local.tenant_id
      }
      labels = { "azure.workload.identity/use" = "true" }
    }
  }
}

resource "keda_trigger_authentication" "azure" {
  metadata {
    name      = "azure-keda-identity"
    namespace = "ml-inference"
  }
  pod_identity {
    provider = "azure-workload"
  }
  depends_on = [keda_installation.this]
}

resource "keda_ml_scaled_object" "servicebus_worker" {
  metadata {
    name      = "servicebus-worker"
    namespace = "ml-inference"
  }
  scale_target_ref {
    name = "servicebus-worker"
  }
  trigger {
    type = "azure-servicebus"
    metadata = {
      namespace    = "ml-bus"
      queueName    = "inference-requests"
      messageCount = "5"
    }
    authentication_ref {
      name = keda_trigger_authentication.azure.metadata.name
    }
  }
}
