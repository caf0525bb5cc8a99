# terraform plan -generate-config-out=generated.tf writes the resource block.
import {
  to = keda_ml_scaled_object.queue_worker
  id = "ml-inference/benthos-ml-worker-scaler"
}
