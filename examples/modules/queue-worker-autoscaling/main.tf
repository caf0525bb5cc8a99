# A RabbitMQ-fed worker: the ScaledObject that scales the worker on its
# queue (with optional CPU and GPU triggers), and the TriggerAuthentication
# that carries the broker's credentials unless the caller passes an existing
# one.

locals {
  labels = length(var.labels) > 0 ? var.labels : null
  # The TriggerAuthentication the queue trigger refers to: the caller's, or
  # the one created below.
  trigger_authentication = var.trigger_authentication != null ? var.trigger_authentication : {
    name = keda_trigger_authentication.rabbitmq[0].metadata.name
    kind = "TriggerAuthentication"
  }
  hpa_rules = var.hpa_behavior == null ? {} : {
    for direction, rules in { scale_up = var.hpa_behavior.scale_up, scale_down = var.hpa_behavior.scale_down } :
    direction => rules if rules != null
  }
}

resource "keda_trigger_authentication" "rabbitmq" {
  count = var.trigger_authentication == null ? 1 : 0

  metadata {
    name      = "${var.name}-rabbitmq"
    namespace = var.namespace
    labels    = local.labels
  }
  secret_target_ref {
    parameter = "host"
    name      = var.rabbitmq_secret.name
    key       = var.rabbitmq_secret.key
  }
}

resource "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "${var.name}-scaler"
    namespace = var.namespace
    labels    = local.labels
  }
  scale_target_ref {
    name        = var.name
    kind        = var.target_kind
    api_version = var.target_api_version
  }
  min_replica_count = var.min_replicas
  max_replica_count = var.max_replicas
  polling_interval  = var.polling_interval
  cooldown_period   = var.cooldown_period
  wait_for_ready    = var.wait_for_ready

  dynamic "fallback" {
    for_each = var.fallback == null ? [] : [var.fallback]
    content {
      failure_threshold = fallback.value.failure_threshold
      replicas          = fallback.value.replicas
      behavior          = fallback.value.behavior
    }
  }

  dynamic "advanced" {
    for_each = length(local.hpa_rules) == 0 ? [] : [local.hpa_rules]
    content {
      horizontal_pod_autoscaler_config {
        behavior {
          dynamic "scale_up" {
            for_each = contains(keys(advanced.value), "scale_up") ? [advanced.value.scale_up] : []
            content {
              stabilization_window_seconds = scale_up.value.stabilization_window_seconds
              select_policy                = scale_up.value.select_policy
              dynamic "policy" {
                for_each = scale_up.value.policies
                content {
                  type           = policy.value.type
                  value          = policy.value.value
                  period_seconds = policy.value.period_seconds
                }
              }
            }
          }
          dynamic "scale_down" {
            for_each = contains(keys(advanced.value), "scale_down") ? [advanced.value.scale_down] : []
            content {
              stabilization_window_seconds = scale_down.value.stabilization_window_seconds
              select_policy                = scale_down.value.select_policy
              dynamic "policy" {
                for_each = scale_down.value.policies
                content {
                  type           = policy.value.type
                  value          = policy.value.value
                  period_seconds = policy.value.period_seconds
                }
              }
            }
          }
        }
      }
    }
  }

  trigger {
    name = "queue"
    rabbitmq {
      host             = var.rabbitmq_host
      protocol         = var.protocol
      queue_name       = var.queue_name
      mode             = var.mode
      value            = var.messages_per_replica
      activation_value = var.activation_value
    }
    authentication_ref {
      name = local.trigger_authentication.name
      kind = local.trigger_authentication.kind
    }
  }

  dynamic "trigger" {
    for_each = var.cpu_utilization == null ? [] : [var.cpu_utilization]
    content {
      cpu {
        utilization = trigger.value
      }
    }
  }

  dynamic "trigger" {
    for_each = var.gpu == null ? [] : [var.gpu]
    content {
      gpu {
        server_address = trigger.value.prometheus_address
        metric         = trigger.value.metric
        target         = trigger.value.target
      }
    }
  }
}
