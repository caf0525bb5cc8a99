# Import by namespace/name.
terraform import keda_ml_scaled_job.batch_inference ml-inference/gpu-batch-inference
