output "id" {
  description = "`namespace/name` of the ScaledObject, as `terraform import` takes it."
  value       = keda_ml_scaled_object.worker.id
}

output "scaled_object_name" {
  description = "Name of the ScaledObject."
  value       = keda_ml_scaled_object.worker.metadata.name
}

output "hpa_name" {
  description = "Name of the HorizontalPodAutoscaler KEDA creates for the worker, for dashboards, alerts and PodDisruptionBudgets."
  value       = keda_ml_scaled_object.worker.hpa_name
}

output "status" {
  description = "KEDA's view of the ScaledObject as of the last refresh: `ready` and `ready_message` (KEDA's error when not ready), `paused`, `fallback`."
  value       = keda_ml_scaled_object.worker.status
}

output "trigger_authentication_name" {
  description = "Name of the TriggerAuthentication the queue trigger uses: the one passed in, or the one this module created."
  value       = local.trigger_authentication.name
}

output "gpu_query" {
  description = "The PromQL the gpu trigger runs, or null without one."
  value       = var.gpu == null ? null : one([for t in keda_ml_scaled_object.worker.trigger : t.gpu.query if t.gpu != null])
}
