# AKS with local accounts: the cluster's admin client certificate. With
# Entra ID (AAD) integration and local accounts disabled, use a
# ServiceAccount token from workspace variables instead: kubelogin is an
# exec plugin, which remote runners do not have.
data "azurerm_kubernetes_cluster" "ml" {
  name                = "ml"
  resource_group_name = "ml-rg"
}

provider "keda" {
  host                   = data.azurerm_kubernetes_cluster.ml.kube_admin_config[0].host
  client_certificate     = base64decode(data.azurerm_kubernetes_cluster.ml.kube_admin_config[0].client_certificate)
  client_key             = base64decode(data.azurerm_kubernetes_cluster.ml.kube_admin_config[0].client_key)
  cluster_ca_certificate = base64decode(data.azurerm_kubernetes_cluster.ml.kube_admin_config[0].cluster_ca_certificate)
}
