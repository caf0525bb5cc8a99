terraform {
  required_version = ">= 1.5"
  required_providers {
    keda = {
      source = "kedaml/keda"
    }
  }
}
