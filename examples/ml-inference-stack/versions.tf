terraform {
  required_version = ">= 1.5"
  required_providers {
    keda = {
      source = "kedaml/keda"
    }
  }
}

# The keda provider is configured like hashicorp/kubernetes; with no
# provider block it reads KUBE_CONFIG_PATH and the other KUBE_* variables
# (`make demo` sets them), and a calling module can pass its own.
