# EKS with IAM Roles for Service Accounts (IRSA): KEDA's operator assumes an
# IAM role through the web identity token EKS projects into its pods.
#
# AWS side (not shown, needs the aws provider): an IAM role whose trust policy
# lets the cluster's OIDC provider issue tokens for
# system:serviceaccount:keda:keda-operator, with the permissions the scalers
# need (e.g. sqs:GetQueueAttributes).

locals {
  keda_role_arn = "arn:aws:iam::111122223333:role/keda-operator"
}

resource "keda_installation" "this" {
  namespace = "keda"
  operator {
    service_account {
      annotations = {
        # The role KEDA's operator runs as; all three components share the
        # ServiceAccount keda-operator.
        "eks.amazonaws.com/role-arn"               = local.keda_role_arn
        "eks.amazonaws.com/sts-regional-endpoints" = "true"
      }
    }
  }
}

# Scalers authenticate as KEDA's operator: identity_owner = "keda".
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
