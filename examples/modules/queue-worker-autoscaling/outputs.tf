output "scaled_object_name" {
  description = "Name of the ScaledObject."
  value       = keda_ml_scaled_object.worker.metadata.name
}

output "hpa_name" {
  description = "Name of the HPA KEDA creates for the worker."
  value       = keda_ml_scaled_object.worker.hpa_name
}

output "trigger_authentication_name" {
  description = "Name of the TriggerAuthentication holding the RabbitMQ credentials; other triggers in the namespace can refer to it."
  value       = keda_trigger_authentication.rabbitmq.metadata.name
}

output "gpu_query" {
  description = "The PromQL the gpu trigger runs, or null without one."
  value       = var.gpu == null ? null : one([for t in keda_ml_scaled_object.worker.trigger : t.gpu.query if t.gpu != null])
}
