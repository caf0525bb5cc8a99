# EKS Pod Identity: EKS hands KEDA's operator the credentials of an IAM role
# associated with its ServiceAccount. Nothing goes on the ServiceAccount; the
# association names it.
#
# AWS side (not shown, needs the aws provider): the eks-pod-identity-agent
# add-on, and
#   resource "aws_eks_pod_identity_association" "keda" {
#     cluster_name    = "ml-cluster"
#     namespace       = keda_installation.this.namespace
#     service_account = "keda-operator"
#     role_arn        = aws_iam_role.keda.arn
#   }
# Create the association before KEDA's pods start, or restart them after:
# EKS injects the credentials when a pod is created.

resource "keda_installation" "this" {
  namespace = "keda"
}

resource "keda_trigger_authentication" "aws" {
  metadata {
    name      = "aws-keda-identity"
    namespace = "ml-inference"
  }
  pod_identity {
    provider       = "aws"
    identity_owner = "keda"
  }
  depends_on = [keda_installation.this]
}

resource "keda_ml_scaled_object" "sqs_worker" {
  metadata {
    name      = "sqs-worker"
    namespace = "ml-inference"
  }
  scale_target_ref {
    name = "sqs-worker"
  }
  trigger {
    type = "aws-sqs-queue"
    metadata = {
      queueURL    = "https://sqs.eu-west-1.amazonaws.com/111122223333/inference-requests"
      queueLength = "5"
      awsRegion   = "eu-west-1"
    }
    authentication_ref {
      name = keda_trigger_authentication.aws.metadata.name
    }
  }
}
