# A RabbitMQ-fed worker: the TriggerAuthentication that carries the broker's
# credentials and the ScaledObject that scales the worker on its queue, with
# optional CPU and GPU triggers.

resource "keda_trigger_authentication" "rabbitmq" {
  metadata {
    name      = "${var.name}-rabbitmq"
    namespace = var.namespace
    labels    = length(var.labels) > 0 ? var.labels : null
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
    labels    = length(var.labels) > 0 ? var.labels : null
  }
  scale_target_ref {
    name = var.name
  }
  min_replica_count = var.min_replicas
  max_replica_count = var.max_replicas
  polling_interval  = var.polling_interval
  cooldown_period   = var.cooldown_period

  trigger {
    name = "queue"
    rabbitmq {
      protocol   = var.protocol
      queue_name = var.queue_name
      mode       = var.mode
      value      = var.messages_per_replica
    }
    authentication_ref {
      name = keda_trigger_authentication.rabbitmq.metadata.name
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
