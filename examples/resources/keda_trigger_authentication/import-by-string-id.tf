# terraform plan -generate-config-out=generated.tf writes the resource block.
import {
  to = keda_trigger_authentication.rabbitmq
  id = "ml-inference/rabbitmq-trigger-auth"
}
