# Import by name.
terraform import keda_cluster_trigger_authentication.rabbitmq rabbitmq-shared
