package kube

import (
	"path/filepath"
	"strconv"
	"strings"
)

// WithEnvDefaults fills every setting left unset in the provider block from
// the environment variables hashicorp/kubernetes reads, so that both
// providers can share one environment. A setting in the provider block always
// wins over its variable.
func (c Config) WithEnvDefaults(getenv func(string) string) Config {
	str := func(v *string, name string) {
		if *v == "" {
			*v = getenv(name)
		}
	}
	if len(c.ConfigPaths) == 0 {
		if p := getenv("KUBE_CONFIG_PATH"); p != "" {
			c.ConfigPaths = []string{p}
		} else if ps := getenv("KUBE_CONFIG_PATHS"); ps != "" {
			c.ConfigPaths = filepath.SplitList(ps)
		}
	}
	str(&c.ConfigContext, "KUBE_CTX")
	str(&c.ConfigContextAuthInfo, "KUBE_CTX_AUTH_INFO")
	str(&c.ConfigContextCluster, "KUBE_CTX_CLUSTER")
	str(&c.Host, "KUBE_HOST")
	str(&c.Username, "KUBE_USER")
	str(&c.Password, "KUBE_PASSWORD")
	str(&c.Token, "KUBE_TOKEN")
	str(&c.TLSServerName, "KUBE_TLS_SERVER_NAME")
	str(&c.ClientCertificate, "KUBE_CLIENT_CERT_DATA")
	str(&c.ClientKey, "KUBE_CLIENT_KEY_DATA")
	str(&c.ClusterCACertificate, "KUBE_CLUSTER_CA_CERT_DATA")
	str(&c.ProxyURL, "KUBE_PROXY_URL")
	if c.Insecure == nil {
		if v, err := strconv.ParseBool(strings.TrimSpace(getenv("KUBE_INSECURE"))); err == nil {
			c.Insecure = &v
		}
	}
	return c
}
