# Import by namespace.
terraform import keda_installation.this keda
