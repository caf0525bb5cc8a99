variable "keda_namespace" {
  description = "Namespace KEDA is installed into."
  type        = string
  default     = "keda"
}

variable "namespace" {
  description = "Namespace of the ML inference workloads (their Deployments and Secrets must exist)."
  type        = string
  default     = "ml-inference"
}

variable "wait_for_keda" {
  description = "Wait until KEDA's Deployments and metrics APIService are available before creating the scalers."
  type        = bool
  default     = true
}

variable "rabbitmq_host" {
  description = "RabbitMQ address without credentials; the amqp:// or http:// scheme picks the protocol for triggers that leave it to the host."
  type        = string
  default     = "amqp://rabbitmq.messaging.svc:5672"
}

variable "rabbitmq_management_host" {
  description = "RabbitMQ management API address, for the triggers that scale on message rates."
  type        = string
  default     = "http://rabbitmq.messaging.svc:15672"
}

variable "rabbitmq_secret" {
  description = "Secret in namespace with the RabbitMQ credentials, keys username and password; the batch Jobs also read it as their environment."
  type        = string
  default     = "rabbitmq-creds"
}

variable "prometheus_address" {
  description = "Prometheus (or Thanos/Cortex) address that holds the latency, request and DCGM GPU metrics."
  type        = string
  default     = "http://prometheus.monitoring.svc:9090"
}

variable "prometheus_secret" {
  description = "Secret in namespace with the Prometheus basic-auth credentials: keys username and password."
  type        = string
  default     = "prometheus-creds"
}

variable "queue_polling_interval" {
  description = "Seconds between KEDA's checks of the queue worker's queue."
  type        = number
  default     = 15
}

variable "queue_cooldown_period" {
  description = "Seconds the queue worker's queue must stay empty before the worker is scaled back to zero."
  type        = number
  default     = 30
}
