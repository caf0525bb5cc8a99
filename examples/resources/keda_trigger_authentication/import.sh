# Import by namespace/name.
terraform import keda_trigger_authentication.rabbitmq ml-inference/rabbitmq-trigger-auth
