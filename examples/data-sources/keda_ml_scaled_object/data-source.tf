# What KEDA made of an existing ScaledObject, for a module that attaches
# alerts or a PodDisruptionBudget to it: the HPA's name, the workload it
# scales and its bounds, and KEDA's live status.
data "keda_ml_scaled_object" "worker" {
  metadata {
    name      = "benthos-ml-worker-scaler"
    namespace = "ml-inference"
  }
}

output "worker_hpa" {
  description = "The HPA KEDA manages for the worker, e.g. for kube_horizontalpodautoscaler_* alerts."
  value       = data.keda_ml_scaled_object.worker.hpa_name
}

output "worker_scaling" {
  description = "The workload KEDA scales, its bounds, and what KEDA and the HPA say now."
  value = {
    target           = data.keda_ml_scaled_object.worker.scale_target_ref.name
    max_replicas     = data.keda_ml_scaled_object.worker.max_replica_count
    ready            = data.keda_ml_scaled_object.worker.status.ready
    active           = data.keda_ml_scaled_object.worker.status.active
    current_replicas = data.keda_ml_scaled_object.worker.current_replicas
    desired_replicas = data.keda_ml_scaled_object.worker.desired_replicas
  }
}
