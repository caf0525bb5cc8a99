# Workspace Terraform variables (Variables > Workspace variables > Terraform
# variable, token marked Sensitive), or a variable set shared by the
# workspaces of one cluster, passed to the provider block.

variable "kube_host" {
  description = "API server address, e.g. https://k8s.example.com:6443."
  type        = string
}

variable "kube_token" {
  description = "Bearer token of the ServiceAccount Terraform runs as."
  type        = string
  sensitive   = true
}

variable "kube_ca_certificate" {
  description = "PEM CA bundle of the API server's certificate."
  type        = string
}

terraform {
  required_providers {
    keda = {
      source  = "kedaml/keda"
      version = ">= 0.1.0, < 1.0.0"
    }
  }
}

provider "keda" {
  host                   = var.kube_host
  token                  = var.kube_token
  cluster_ca_certificate = var.kube_ca_certificate
}

resource "keda_ml_scaled_object" "ml_service" {
  metadata {
    name      = "ml-service-scaler"
    namespace = "ml-inference"
  }
  scale_target_ref {
    name = "ml-service"
  }
  min_replica_count = 2
  max_replica_count = 10
  trigger {
    cpu { utilization = 70 }
  }
}
