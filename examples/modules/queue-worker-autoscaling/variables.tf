variable "name" {
  description = "Name of the worker Deployment to scale; the ScaledObject is named \"<name>-scaler\"."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.name)) && length(var.name) <= 47
    error_message = "name must be a DNS label (lowercase letters, digits, '-') of at most 47 characters, so that KEDA's HPA name keda-hpa-<name>-scaler fits in 63."
  }
}

variable "namespace" {
  description = "Namespace of the worker, its Secret and the objects this module creates."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.namespace)) && length(var.namespace) <= 63
    error_message = "namespace must be a DNS label."
  }
}

variable "queue_name" {
  description = "The RabbitMQ queue the worker consumes."
  type        = string
}

variable "rabbitmq_secret" {
  description = "The Secret (in namespace) whose key holds the RabbitMQ URL with credentials, e.g. amqp://user:pass@rabbitmq:5672/vhost."
  type = object({
    name = string
    key  = optional(string, "host")
  })
}

variable "protocol" {
  description = "amqp (QueueLength only) or http (the management API; needed for MessageRate)."
  type        = string
  default     = "amqp"
  validation {
    condition     = contains(["amqp", "http"], var.protocol)
    error_message = "protocol must be amqp or http."
  }
}

variable "mode" {
  description = "QueueLength (messages per replica) or MessageRate (messages per second per replica; http only)."
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
  description = "Seconds after the last active check before scaling to min_replicas (when that is 0)."
  type        = number
  default     = 300
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
