# Import by namespace/name.
terraform import keda_ml_scaled_object.queue_worker ml-inference/benthos-ml-worker-scaler
