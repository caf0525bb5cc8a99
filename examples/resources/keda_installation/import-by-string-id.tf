# The import reads KEDA's version and whether the installation owns its
# namespace; the settings (replicas, resources, ...) are not read back:
# write those the installation keeps, and the plan shows any difference.
import {
  to = keda_installation.this
  id = "keda"
}
