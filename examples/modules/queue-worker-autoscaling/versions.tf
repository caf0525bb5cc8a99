terraform {
  # 1.9: input validations that refer to other variables.
  required_version = ">= 1.9"
  required_providers {
    keda = {
      source  = "kedaml/keda"
      version = ">= 0.1.0, < 1.0.0"
    }
  }
}
