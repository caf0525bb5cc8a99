# An existing ScaledJob: the queue it drains, the image its Jobs run, and
# whether KEDA sees work waiting right now.
data "keda_ml_scaled_job" "batch" {
  metadata {
    name      = "gpu-batch-inference"
    namespace = "ml-inference"
  }
}

output "batch_inference" {
  description = "The queue the ScaledJob drains, the image of its Jobs, and KEDA's live status."
  value = {
    queue            = one([for t in data.keda_ml_scaled_job.batch.trigger : t.rabbitmq.queue_name if t.rabbitmq != null])
    image            = data.keda_ml_scaled_job.batch.job_target_ref.template.spec.container[0].image
    max_jobs         = data.keda_ml_scaled_job.batch.max_replica_count
    ready            = data.keda_ml_scaled_job.batch.status.ready
    active           = data.keda_ml_scaled_job.batch.status.active
    last_active_time = data.keda_ml_scaled_job.batch.status.last_active_time
  }
}
