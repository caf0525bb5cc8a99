# Configure the provider exactly like hashicorp/kubernetes: a kubeconfig...
provider "keda" {
  config_path    = "~/.kube/config"
  config_context = "ml-cluster"
}

# ...or explicit credentials, e.g. from a cluster created in the same
# configuration. Nothing is sent to the cluster while planning new objects,
# so these may be unknown until apply.
provider "keda" {
  alias                  = "eks"
  host                   = "https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com"
  cluster_ca_certificate = base64decode("LS0tLS1CRUdJTi...")
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", "ml"]
  }
}
