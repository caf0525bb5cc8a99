# Queue workers: scale on the RabbitMQ queue, down to zero when it is empty.
resource "keda_ml_scaled_object" "queue_worker" {
  metadata {
    name      = "benthos-ml-worker-scaler"
    namespace = "ml-inference"
  }
  scale_target_ref {
    name = "benthos-ml-worker"
  }
  min_replica_count = 0
  max_replica_count = 20
  polling_interval  = 15
  cooldown_period   = 30

  trigger {
    rabbitmq {
      protocol   = "amqp"
      queue_name = "inference_requests"
      mode       = "QueueLength"
      value      = 5
    }
    authentication_ref {
      name = "rabbitmq-trigger-auth"
    }
  }
}

# An ML service on CPU and memory, with a gentle scale-down.
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
}

# Latency: add replicas while the p95 inference latency is above 500 ms. A
# latency is not a load to share out, so the metric type is Value: the HPA
# scales the current replicas by p95 / 500 ms (with the default AverageValue
# it would ask for ceil(p95 / 500 ms) replicas whatever the load).
resource "keda_ml_scaled_object" "latency" {
  metadata {
    name      = "ml-latency-scaler"
    namespace = "ml-inference"
  }
  scale_target_ref {
    name = "ml-service"
  }
  min_replica_count = 1
  max_replica_count = 15

  trigger {
    metric_type = "Value"
    prometheus {
      server_address       = "http://prometheus.monitoring:9090"
      query                = "histogram_quantile(0.95, sum(rate(inference_latency_ms_bucket{service=\"ml-service\"}[2m])) by (le))"
      threshold            = 500
      activation_threshold = 200
      auth_modes           = ["basic"]
    }
    authentication_ref {
      name = "prometheus-trigger-auth"
    }
  }
}

# Scale to zero when idle, and back up fast but down slowly.
resource "keda_ml_scaled_object" "scale_to_zero" {
  metadata {
    name      = "batch-embedder-scaler"
    namespace = "ml-inference"
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
      protocol         = "amqp"
      queue_name       = "embedding_requests"
      mode             = "QueueLength"
      value            = 20
      activation_value = 1
    }
    authentication_ref {
      name = "rabbitmq-trigger-auth"
    }
  }
}

# High-priority queue: a small backlog already scales, never below 2 warm
# replicas. With a minimum above 0 the HPA polls on its own schedule, so
# polling_interval and cooldown_period would have no effect (KEDA warns).
resource "keda_ml_scaled_object" "high_priority" {
  metadata {
    name      = "priority-worker-scaler"
    namespace = "ml-inference"
  }
  scale_target_ref {
    name = "priority-worker"
  }
  min_replica_count = 2
  max_replica_count = 50

  trigger {
    name = "priority-queue"
    rabbitmq {
      protocol   = "http"
      queue_name = "inference_requests_high_priority"
      mode       = "MessageRate"
      value      = 20
    }
    authentication_ref {
      name = "rabbitmq-trigger-auth"
    }
  }
}

# Latency and queue together, through a formula over the named triggers:
# scale on the queue, twice as eagerly (2.5 messages per replica instead of
# 5) while the p95 latency is above 500 ms. The composite metric is a load
# to share out (AverageValue, target 1), as the queue is; the latency only
# picks the share.
resource "keda_ml_scaled_object" "multi_metric" {
  metadata {
    name      = "ml-multi-metric-scaler"
    namespace = "ml-inference"
  }
  scale_target_ref {
    name = "ml-service"
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
      protocol   = "http"
      queue_name = "inference_requests"
      mode       = "QueueLength"
      value      = 5
    }
    authentication_ref {
      name = "rabbitmq-trigger-auth"
    }
  }
  trigger {
    name = "latency"
    prometheus {
      server_address = "http://prometheus.monitoring:9090"
      query          = "histogram_quantile(0.95, sum(rate(inference_latency_ms_bucket{service=\"ml-service\"}[2m])) by (le))"
      threshold      = 500
    }
  }
}

# Predictive: scale on the request rate predicted 10 minutes ahead from its
# trend over the last 30 minutes, 100 requests/s per replica. The prediction
# runs on the rate (a subquery), never on the raw counter, which only grows.
resource "keda_ml_scaled_object" "predictive" {
  metadata {
    name      = "ml-predictive-scaler"
    namespace = "ml-inference"
  }
  scale_target_ref {
    name = "ml-service"
  }
  min_replica_count = 1
  max_replica_count = 50

  trigger {
    prometheus {
      server_address = "http://prometheus.monitoring:9090"
      query          = "predict_linear(sum(rate(http_requests_total{service=\"ml-service\"}[5m]))[30m:1m], 600)"
      threshold      = 100
    }
  }
}

# A GPU inference service on NVIDIA DCGM utilization, with its queue.
# Desired replicas ≈ ceil(total GPU utilization of its pods / 70).
resource "keda_ml_scaled_object" "gpu_service" {
  metadata {
    name      = "gpu-inference-scaler"
    namespace = "ml-inference"
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
    gpu {
      server_address = "http://prometheus.monitoring:9090"
      metric         = "utilization"
      target         = 70
    }
  }
  trigger {
    rabbitmq {
      protocol   = "amqp"
      queue_name = "gpu_inference_requests"
      mode       = "QueueLength"
      value      = 10
    }
    authentication_ref {
      name = "rabbitmq-trigger-auth"
    }
  }
}

# Any other KEDA scaler, untyped.
resource "keda_ml_scaled_object" "business_hours" {
  metadata {
    name      = "ml-business-hours"
    namespace = "ml-inference"
  }
  scale_target_ref {
    name = "ml-service"
  }
  trigger {
    type     = "cron"
    metadata = { timezone = "Europe/Paris", start = "0 8 * * 1-5", end = "0 20 * * 1-5", desiredReplicas = "4" }
  }
}
