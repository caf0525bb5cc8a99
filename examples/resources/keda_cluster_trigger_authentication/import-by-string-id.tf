# terraform plan -generate-config-out=generated.tf writes the resource block.
import {
  to = keda_cluster_trigger_authentication.rabbitmq
  id = "rabbitmq-shared"
}
