# GPU batch inference: one Job per batch of queued requests, each on one GPU.
resource "keda_ml_scaled_job" "batch_inference" {
  metadata {
    name      = "gpu-batch-inference"
    namespace = "ml-inference"
  }

  job_target_ref {
    parallelism                = 1
    completions                = 1
    backoff_limit              = 2
    active_deadline_seconds    = 3600
    ttl_seconds_after_finished = 600

    template {
      metadata {
        labels = { app = "gpu-batch-inference" }
      }
      spec {
        restart_policy       = "Never"
        service_account_name = "batch-inference"
        runtime_class_name   = "nvidia"
        node_selector        = { "nvidia.com/gpu.present" = "true" }

        container {
          name  = "infer"
          image = "ghcr.io/acme/batch-infer:1.4"
          args  = ["--queue", "batch_inference", "--batch-size", "64"]
          env {
            name = "HF_TOKEN"
            value_from {
              secret_key_ref {
                name = "huggingface"
                key  = "token"
              }
            }
          }
          env_from {
            secret_ref {
              name = "rabbitmq-creds"
            }
          }
          resources {
            requests = { cpu = "4", memory = "16Gi" }
            limits   = { memory = "32Gi", "nvidia.com/gpu" = "1" }
          }
          volume_mount {
            name       = "models"
            mount_path = "/models"
            read_only  = true
          }
          volume_mount {
            name       = "shm"
            mount_path = "/dev/shm"
          }
        }

        volume {
          name = "models"
          persistent_volume_claim {
            claim_name = "model-weights"
            read_only  = true
          }
        }
        volume {
          name = "shm"
          empty_dir {
            medium     = "Memory"
            size_limit = "8Gi"
          }
        }
        toleration {
          key      = "nvidia.com/gpu"
          operator = "Exists"
          effect   = "NoSchedule"
        }
      }
    }
  }

  polling_interval              = 10
  max_replica_count             = 8
  successful_jobs_history_limit = 5
  failed_jobs_history_limit     = 5

  rollout {
    strategy = "gradual"
  }
  scaling_strategy {
    strategy = "accurate"
  }

  trigger {
    rabbitmq {
      protocol   = "amqp"
      queue_name = "batch_inference"
      mode       = "QueueLength"
      value      = 1
    }
    authentication_ref {
      name = "rabbitmq-trigger-auth"
    }
  }
}
