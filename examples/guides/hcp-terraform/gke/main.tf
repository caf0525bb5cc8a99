# GKE: the google provider's own access token (from the workspace's Google
# credentials, for example HCP Terraform's dynamic credentials for GCP)
# authenticates to the cluster.
data "google_client_config" "current" {}

data "google_container_cluster" "ml" {
  name     = "ml"
  location = "europe-west4"
}

provider "keda" {
  host                   = "https://${data.google_container_cluster.ml.endpoint}"
  cluster_ca_certificate = base64decode(data.google_container_cluster.ml.master_auth[0].cluster_ca_certificate)
  token                  = data.google_client_config.current.access_token
}
