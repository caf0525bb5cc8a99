# terraform plan -generate-config-out=generated.tf writes the resource block.
import {
  to = keda_ml_scaled_job.batch_inference
  id = "ml-inference/gpu-batch-inference"
}
