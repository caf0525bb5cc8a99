variable "name" {
  description = "Name of the workload to scale; the ScaledObject is named `<name>-scaler`."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.name)) && length(var.name) <= 47
    error_message = "name must be a DNS label (lowercase letters, digits, '-') of at most 47 characters, so that KEDA's HPA name keda-hpa-<name>-scaler fits in 63."
  }
}

variable "namespace" {
  description = "Namespace of the workload, its Secret and the objects this module creates."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.namespace)) && length(var.namespace) <= 63
    error_message = "namespace must be a DNS label."
  }
}

variable "target_kind" {
  description = "Kind of the workload to scale: `Deployment`, `StatefulSet`, or any kind with a `/scale` subresource (then set `target_api_version`)."
  type        = string
  default     = "Deployment"
  validation {
    condition     = can(regex("^[A-Z][A-Za-z0-9]*$", var.target_kind))
    error_message = "target_kind must be a Kubernetes kind (CamelCase, e.g. Deployment or StatefulSet)."
  }
}

variable "target_api_version" {
  description = "API version of the workload's kind, e.g. `argoproj.io/v1alpha1` for a Rollout; null leaves KEDA's default (`apps/v1`)."
  type        = string
  default     = null
  validation {
    condition     = var.target_api_version == null || can(regex("^([a-z0-9.-]+/)?v[0-9]+((alpha|beta)[0-9]+)?$", var.target_api_version))
    error_message = "target_api_version must look like apps/v1 or group.example.com/v1beta1."
  }
}

variable "queue_name" {
  description = "The RabbitMQ queue the worker consumes."
  type        = string
}

variable "trigger_authentication" {
  description = "An existing TriggerAuthentication (or ClusterTriggerAuthentication) that gives KEDA the broker's credentials, or null to create one from `rabbitmq_secret`. Set exactly one of the two."
  type = object({
    name = string
    kind = optional(string, "TriggerAuthentication")
  })
  default = null
  validation {
    condition     = var.trigger_authentication == null || try(contains(["TriggerAuthentication", "ClusterTriggerAuthentication"], var.trigger_authentication.kind), false)
    error_message = "trigger_authentication.kind must be TriggerAuthentication or ClusterTriggerAuthentication."
  }
}

variable "rabbitmq_secret" {
  description = "The Secret (in `namespace`) whose key holds the RabbitMQ URL with credentials, e.g. `amqp://user:pass@rabbitmq:5672/vhost`; the module creates a TriggerAuthentication `<name>-rabbitmq` that reads it. Null when `trigger_authentication` is set."
  type = object({
    name = string
    key  = optional(string, "host")
  })
  default = null
  validation {
    condition     = (var.rabbitmq_secret == null) != (var.trigger_authentication == null)
    error_message = "Set exactly one of rabbitmq_secret (the module creates a TriggerAuthentication) and trigger_authentication (an existing one)."
  }
}

variable "rabbitmq_host" {
  description = "The broker's address without credentials, written to the trigger's `host`: for a `trigger_authentication` that supplies only `username` and `password`. Null when the TriggerAuthentication supplies `host`."
  type        = string
  default     = null
  validation {
    condition     = var.rabbitmq_host == null || can(regex("^(amqps?|https?)://[^@/]+(/.*)?$", var.rabbitmq_host))
    error_message = "rabbitmq_host must be an amqp://, amqps://, http:// or https:// address without user:password@ (credentials belong in the TriggerAuthentication)."
  }
}

variable "protocol" {
  description = "`amqp` (QueueLength only) or `http` (the management API; needed for MessageRate)."
  type        = string
  default     = "amqp"
  validation {
    condition     = contains(["amqp", "http"], var.protocol)
    error_message = "protocol must be amqp or http."
  }
}

variable "mode" {
  description = "`QueueLength` (messages per replica) or `MessageRate` (messages per second per replica; `http` only)."
  type        = string
  default     = "QueueLength"
  validation {
    condition     = contains(["QueueLength", "MessageRate"], var.mode)
    error_message = "mode must be QueueLength or MessageRate."
  }
}

variable "messages_per_replica" {
  description = "Target backlog (or rate) per replica."
  type        = number
  default     = 5
  validation {
    condition     = var.messages_per_replica > 0
    error_message = "messages_per_replica must be positive."
  }
}

variable "activation_value" {
  description = "Backlog (or rate) above which the worker is woken from zero; null leaves KEDA's default (`0`: any message)."
  type        = number
  default     = null
  validation {
    condition     = var.activation_value == null || try(var.activation_value >= 0, false)
    error_message = "activation_value must be 0 or more, or null."
  }
}

variable "min_replicas" {
  description = "Replicas when idle; 0 scales the worker to zero when the queue is empty (not with a CPU trigger alone)."
  type        = number
  default     = 0
  validation {
    condition     = var.min_replicas >= 0 && floor(var.min_replicas) == var.min_replicas
    error_message = "min_replicas must be a whole number, 0 or more."
  }
}

variable "max_replicas" {
  description = "Upper bound of replicas."
  type        = number
  default     = 20
  validation {
    condition     = var.max_replicas >= 1 && floor(var.max_replicas) == var.max_replicas
    error_message = "max_replicas must be a whole number, 1 or more."
  }
}

variable "polling_interval" {
  description = "Seconds between KEDA's checks of the queue."
  type        = number
  default     = 15
}

variable "cooldown_period" {
  description = "Seconds after the last active check before scaling to `min_replicas` (when that is 0)."
  type        = number
  default     = 300
}

variable "fallback" {
  description = "Replicas to run after `failure_threshold` consecutive failures to read the queue (broker down, credentials revoked), or null. `behavior`: `static`, `currentReplicas`, `currentReplicasIfHigher` or `currentReplicasIfLower`."
  type = object({
    failure_threshold = number
    replicas          = number
    behavior          = optional(string, "static")
  })
  default = null
  validation {
    condition = var.fallback == null || try(
      var.fallback.failure_threshold >= 0 && floor(var.fallback.failure_threshold) == var.fallback.failure_threshold &&
      var.fallback.replicas >= 0 && floor(var.fallback.replicas) == var.fallback.replicas,
    false)
    error_message = "fallback.failure_threshold and fallback.replicas must be whole numbers, 0 or more."
  }
  validation {
    condition     = var.fallback == null || try(contains(["static", "currentReplicas", "currentReplicasIfHigher", "currentReplicasIfLower"], var.fallback.behavior), false)
    error_message = "fallback.behavior must be static, currentReplicas, currentReplicasIfHigher or currentReplicasIfLower."
  }
}

variable "hpa_behavior" {
  description = "Scaling behaviour of the HPA KEDA creates (its `spec.behavior`): for `scale_up` and `scale_down`, a stabilization window, a `select_policy` (`Max`, `Min`, `Disabled`) and policies `{ type = Pods|Percent, value, period_seconds }`. Null keeps Kubernetes' defaults."
  type = object({
    scale_up = optional(object({
      stabilization_window_seconds = optional(number)
      select_policy                = optional(string)
      policies = optional(list(object({
        type           = string
        value          = number
        period_seconds = number
      })), [])
    }))
    scale_down = optional(object({
      stabilization_window_seconds = optional(number)
      select_policy                = optional(string)
      policies = optional(list(object({
        type           = string
        value          = number
        period_seconds = number
      })), [])
    }))
  })
  default = null
  validation {
    condition = var.hpa_behavior == null || alltrue([
      for rules in [try(var.hpa_behavior.scale_up, null), try(var.hpa_behavior.scale_down, null)] :
      rules == null ? true : alltrue([for p in rules.policies : contains(["Pods", "Percent"], p.type)])
    ])
    error_message = "hpa_behavior policies: type must be Pods or Percent."
  }
  validation {
    condition = var.hpa_behavior == null || alltrue([
      for rules in [try(var.hpa_behavior.scale_up, null), try(var.hpa_behavior.scale_down, null)] :
      rules == null ? true : rules.select_policy == null ? true : contains(["Max", "Min", "Disabled"], rules.select_policy)
    ])
    error_message = "hpa_behavior select_policy must be Max, Min or Disabled."
  }
}

variable "wait_for_ready" {
  description = "Wait after apply until KEDA reports the ScaledObject Ready, and fail with KEDA's message when it does not (a wrong password, an unreachable broker). Needs KEDA running."
  type        = bool
  default     = false
}

variable "cpu_utilization" {
  description = "Also scale on CPU utilization (percent of requests), or null."
  type        = number
  default     = null
  validation {
    condition     = var.cpu_utilization == null || try(var.cpu_utilization > 0 && var.cpu_utilization <= 100, false)
    error_message = "cpu_utilization must be between 1 and 100, or null."
  }
}

variable "gpu" {
  description = "Also scale on the GPU load of the worker's pods from NVIDIA DCGM metrics, or null: the Prometheus address, a DCGM preset and the per-replica target."
  type = object({
    prometheus_address = string
    metric             = optional(string, "utilization")
    target             = number
  })
  default = null
}

variable "labels" {
  description = "Labels for the objects this module creates."
  type        = map(string)
  default     = {}
}
