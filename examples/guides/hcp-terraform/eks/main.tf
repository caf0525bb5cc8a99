# EKS: the aws provider reads the cluster and issues a short-lived token
# (aws_eks_cluster_auth) with the workspace's AWS credentials (for example
# HCP Terraform's dynamic credentials for AWS). The token lasts 15 minutes:
# it is made again at every run.
data "aws_eks_cluster" "ml" {
  name = "ml"
}

data "aws_eks_cluster_auth" "ml" {
  name = "ml"
}

provider "keda" {
  host                   = data.aws_eks_cluster.ml.endpoint
  cluster_ca_certificate = base64decode(data.aws_eks_cluster.ml.certificate_authority[0].data)
  token                  = data.aws_eks_cluster_auth.ml.token
}
