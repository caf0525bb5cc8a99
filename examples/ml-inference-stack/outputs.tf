output "keda_version" {
  description = "The KEDA version installed."
  value       = keda_installation.this.version
}

output "scaled_objects" {
  description = "ScaledObject name => the HPA KEDA creates for it (for dashboards and alerts)."
  value = merge(
    { (module.queue_worker.scaled_object_name) = module.queue_worker.hpa_name },
    { for so in [
      keda_ml_scaled_object.high_priority,
      keda_ml_scaled_object.ml_service,
      keda_ml_scaled_object.latency,
      keda_ml_scaled_object.multi_metric,
      keda_ml_scaled_object.scale_to_zero,
      keda_ml_scaled_object.predictive,
      keda_ml_scaled_object.gpu_inference,
    ] : so.metadata.name => so.hpa_name }
  )
}

output "queue_worker" {
  description = "The module's queue worker: its ScaledObject's id, its HPA and KEDA's status."
  value = {
    id       = module.queue_worker.id
    hpa_name = module.queue_worker.hpa_name
    status   = module.queue_worker.status
  }
}

output "scaled_job" {
  description = "The batch-inference ScaledJob."
  value       = keda_ml_scaled_job.batch_inference.metadata.name
}

output "trigger_authentications" {
  description = "TriggerAuthentications other scalers in the namespace can refer to."
  value = [
    keda_trigger_authentication.rabbitmq.metadata.name,
    keda_trigger_authentication.prometheus.metadata.name,
  ]
}

output "gpu_query" {
  description = "The PromQL the provider generated for the GPU inference service."
  value       = one([for t in keda_ml_scaled_object.gpu_inference.trigger : t.gpu.query if t.gpu != null])
}
