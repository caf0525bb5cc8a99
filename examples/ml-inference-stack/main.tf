# The KEDA ML setup guide as one configuration: KEDA itself, the
# credentials, and every scaler of the guide, created in one apply.

resource "keda_installation" "this" {
  namespace = var.keda_namespace
  wait      = var.wait_for_keda
}

locals {
  labels = { "app.kubernetes.io/part-of" = "ml-inference" }
}

# ---------------------------------------------------------------- credentials

# RabbitMQ user and password from a Secret: the triggers carry only the
# address, never credentials in metadata.
resource "keda_trigger_authentication" "rabbitmq" {
  metadata {
    name      = "rabbitmq-trigger-auth"
    namespace = var.namespace
    labels    = local.labels
  }
  secret_target_ref {
    parameter = "username"
    name      = var.rabbitmq_secret
    key       = "username"
  }
  secret_target_ref {
    parameter = "password"
    name      = var.rabbitmq_secret
    key       = "password"
  }
  depends_on = [keda_installation.this]
}

# An authenticated Prometheus (basic auth); the triggers that use it say so
# with auth_modes.
resource "keda_trigger_authentication" "prometheus" {
  metadata {
    name      = "prometheus-trigger-auth"
    namespace = var.namespace
    labels    = local.labels
  }
  secret_target_ref {
    parameter = "username"
    name      = var.prometheus_secret
    key       = "username"
  }
  secret_target_ref {
    parameter = "password"
    name      = var.prometheus_secret
    key       = "password"
  }
  depends_on = [keda_installation.this]
}

# ------------------------------------------------------------- queue workers

# The guide's first queue worker, through the reusable module: scales to
# zero when inference_requests is empty. It shares the credentials above
# instead of creating a TriggerAuthentication of its own.
module "queue_worker" {
  source = "../modules/queue-worker-autoscaling"

  name                   = "benthos-ml-worker"
  namespace              = var.namespace
  queue_name             = "inference_requests"
  trigger_authentication = { name = keda_trigger_authentication.rabbitmq.metadata.name }
  rabbitmq_host          = var.rabbitmq_host
  messages_per_replica   = 5
  min_replicas           = 0
  max_replicas           = 20
  polling_interval       = var.queue_polling_interval
  cooldown_period        = var.queue_cooldown_period
  labels                 = local.labels

  depends_on = [keda_installation.this]
}

# The high-priority queue: scales on the message rate, never below 2 warm
# replicas (the HPA then polls on its own schedule: no polling_interval).
resource "keda_ml_scaled_object" "high_priority" {
  metadata {
    name      = "priority-worker-scaler"
    namespace = var.namespace
    labels    = local.labels
  }
  scale_target_ref {
    name = "priority-worker"
  }
  min_replica_count = 2
  max_replica_count = 50

  trigger {
    name = "priority-queue"
    rabbitmq {
      host       = var.rabbitmq_management_host
      protocol   = "http"
      queue_name = "inference_requests_high_priority"
      mode       = "MessageRate"
      value      = 20
    }
    authentication_ref {
      name = keda_trigger_authentication.rabbitmq.metadata.name
    }
  }
}

# ------------------------------------------------------------------ services

# An ML service on CPU and memory, with a gentle scale-down.
resource "keda_ml_scaled_object" "ml_service" {
  metadata {
    name      = "ml-service-scaler"
    namespace = var.namespace
    labels    = local.labels
  }
  scale_target_ref {
    name = "ml-service"
  }
  min_replica_count = 2
  max_replica_count = 10

  advanced {
    horizontal_pod_autoscaler_config {
      behavior {
        scale_down {
          stabilization_window_seconds = 300
          policy {
            type           = "Percent"
            value          = 50
            period_seconds = 60
          }
        }
      }
    }
  }

  trigger {
    cpu { utilization = 70 }
  }
  trigger {
    memory { utilization = 80 }
  }
  depends_on = [keda_installation.this]
}

# Latency: add replicas while the p95 inference latency is above 500 ms. A
# latency is not a load to share out, so the metric type is Value: the HPA
# scales the current replicas by p95 / 500 ms.
resource "keda_ml_scaled_object" "latency" {
  metadata {
    name      = "ml-latency-scaler"
    namespace = var.namespace
    labels    = local.labels
  }
  scale_target_ref {
    name = "ml-api"
  }
  min_replica_count = 1
  max_replica_count = 15

  trigger {
    metric_type = "Value"
    prometheus {
      server_address       = var.prometheus_address
      query                = "histogram_quantile(0.95, sum(rate(inference_latency_ms_bucket{service=\"ml-api\"}[2m])) by (le))"
      threshold            = 500
      activation_threshold = 200
      auth_modes           = ["basic"]
    }
    authentication_ref {
      name = keda_trigger_authentication.prometheus.metadata.name
    }
  }
}

# Multi-metric: queue and latency together, through a formula over the
# named triggers: scale on the queue, twice as eagerly while the p95
# latency is above 500 ms. The composite is a load to share out
# (AverageValue, target 1), as the queue is; the latency picks the share.
resource "keda_ml_scaled_object" "multi_metric" {
  metadata {
    name      = "ml-multi-metric-scaler"
    namespace = var.namespace
    labels    = local.labels
  }
  scale_target_ref {
    name = "ml-router"
  }
  min_replica_count = 1
  max_replica_count = 30

  advanced {
    scaling_modifiers {
      formula = "latency > 500 ? queue / 2.5 : queue / 5"
      target  = "1"
    }
  }

  trigger {
    name = "queue"
    rabbitmq {
      host       = var.rabbitmq_host
      protocol   = "amqp"
      queue_name = "router_requests"
      mode       = "QueueLength"
      value      = 5
    }
    authentication_ref {
      name = keda_trigger_authentication.rabbitmq.metadata.name
    }
  }
  trigger {
    name = "latency"
    prometheus {
      server_address = var.prometheus_address
      query          = "histogram_quantile(0.95, sum(rate(inference_latency_ms_bucket{service=\"ml-router\"}[2m])) by (le))"
      threshold      = 500
      auth_modes     = ["basic"]
    }
    authentication_ref {
      name = keda_trigger_authentication.prometheus.metadata.name
    }
  }
}

# Scale to zero when idle: up fast, down slowly.
resource "keda_ml_scaled_object" "scale_to_zero" {
  metadata {
    name      = "batch-embedder-scaler"
    namespace = var.namespace
    labels    = local.labels
  }
  scale_target_ref {
    name = "batch-embedder"
  }
  min_replica_count       = 0
  max_replica_count       = 10
  cooldown_period         = 300
  initial_cooldown_period = 120

  advanced {
    restore_to_original_replica_count = true
    horizontal_pod_autoscaler_config {
      behavior {
        scale_up {
          stabilization_window_seconds = 0
          select_policy                = "Max"
          policy {
            type           = "Pods"
            value          = 4
            period_seconds = 15
          }
        }
        scale_down {
          stabilization_window_seconds = 300
          policy {
            type           = "Percent"
            value          = 25
            period_seconds = 60
          }
        }
      }
    }
  }

  trigger {
    rabbitmq {
      host             = var.rabbitmq_host
      protocol         = "amqp"
      queue_name       = "embedding_requests"
      mode             = "QueueLength"
      value            = 20
      activation_value = 1
    }
    authentication_ref {
      name = keda_trigger_authentication.rabbitmq.metadata.name
    }
  }
}

# Predictive: scale on the request rate predicted 10 minutes ahead from its
# trend over the last 30 minutes, 100 requests/s per replica (a prediction
# of the rate, over a subquery: the raw counter only grows).
resource "keda_ml_scaled_object" "predictive" {
  metadata {
    name      = "ml-predictive-scaler"
    namespace = var.namespace
    labels    = local.labels
  }
  scale_target_ref {
    name = "ml-forecast"
  }
  min_replica_count = 1
  max_replica_count = 50

  trigger {
    prometheus {
      server_address = var.prometheus_address
      query          = "predict_linear(sum(rate(http_requests_total{service=\"ml-forecast\"}[5m]))[30m:1m], 600)"
      threshold      = 100
      auth_modes     = ["basic"]
    }
    authentication_ref {
      name = keda_trigger_authentication.prometheus.metadata.name
    }
  }
}

# ---------------------------------------------------------------------- GPUs

# A GPU inference service on NVIDIA DCGM utilization, and its queue.
# Desired replicas ≈ ceil(total GPU utilization of its pods / 70).
resource "keda_ml_scaled_object" "gpu_inference" {
  metadata {
    name      = "gpu-inference-scaler"
    namespace = var.namespace
    labels    = local.labels
  }
  scale_target_ref {
    name = "gpu-inference"
  }
  min_replica_count = 1
  max_replica_count = 8

  fallback {
    failure_threshold = 3
    replicas          = 2
  }

  trigger {
    name = "gpu"
    gpu {
      server_address = var.prometheus_address
      metric         = "utilization"
      target         = 70
      auth_modes     = ["basic"]
    }
    authentication_ref {
      name = keda_trigger_authentication.prometheus.metadata.name
    }
  }
  trigger {
    name = "queue"
    rabbitmq {
      host       = var.rabbitmq_host
      protocol   = "amqp"
      queue_name = "gpu_inference_requests"
      mode       = "QueueLength"
      value      = 10
    }
    authentication_ref {
      name = keda_trigger_authentication.rabbitmq.metadata.name
    }
  }
}

# GPU batch inference: one Job per queued batch, each on one GPU.
resource "keda_ml_scaled_job" "batch_inference" {
  metadata {
    name      = "gpu-batch-inference"
    namespace = var.namespace
    labels    = local.labels
  }

  job_target_ref {
    parallelism                = 1
    completions                = 1
    backoff_limit              = 2
    active_deadline_seconds    = 3600
    ttl_seconds_after_finished = 600

    template {
      metadata {
        labels = { app = "gpu-batch-inference" }
      }
      spec {
        restart_policy = "Never"
        node_selector  = { "nvidia.com/gpu.present" = "true" }

        container {
          name  = "infer"
          image = "ghcr.io/acme/batch-infer:1.4"
          args  = ["--queue", "batch_inference", "--batch-size", "64"]
          env_from {
            secret_ref {
              name = var.rabbitmq_secret
            }
          }
          resources {
            requests = { cpu = "4", memory = "16Gi" }
            limits   = { memory = "32Gi", "nvidia.com/gpu" = "1" }
          }
        }
        toleration {
          key      = "nvidia.com/gpu"
          operator = "Exists"
          effect   = "NoSchedule"
        }
      }
    }
  }

  polling_interval              = 10
  max_replica_count             = 4
  successful_jobs_history_limit = 5
  failed_jobs_history_limit     = 5

  scaling_strategy {
    strategy = "accurate"
  }

  trigger {
    rabbitmq {
      host       = var.rabbitmq_host
      protocol   = "amqp"
      queue_name = "batch_inference"
      mode       = "QueueLength"
      value      = 1
    }
    authentication_ref {
      name = keda_trigger_authentication.rabbitmq.metadata.name
    }
  }
}
