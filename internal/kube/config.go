// Package kube holds everything that talks to the Kubernetes API: turning the
// provider configuration into a client configuration, the lazily built
// clients, server-side apply, reads, deletes and waits.
package kube

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Default client-side rate limits. client-go's own defaults (5 QPS, burst 10)
// would make an apply of hundreds of objects wait on the client; the API
// server's priority and fairness is the real protection against overload.
const (
	DefaultQPS   = 500
	DefaultBurst = 1000
)

// ExecConfig is the provider's `exec` block: a credential plugin.
type ExecConfig struct {
	APIVersion string
	Command    string
	Args       []string
	Env        map[string]string
}

// Config is the provider configuration after environment variables have
// been folded in. Empty strings and nil pointers mean "not set".
type Config struct {
	ConfigPaths           []string
	ConfigContext         string
	ConfigContextAuthInfo string
	ConfigContextCluster  string

	Host                 string
	Username             string
	Password             string
	Token                string
	Insecure             *bool
	TLSServerName        string
	ClientCertificate    string
	ClientKey            string
	ClusterCACertificate string
	ProxyURL             string
	Exec                 *ExecConfig

	QPS   float32
	Burst int

	// FieldConflicts is what applies do with fields another field manager
	// has taken; empty means ConflictsTakeBack.
	FieldConflicts ConflictPolicy

	UserAgent string
}

// ErrNoConfiguration is returned when nothing tells the provider where the
// cluster is.
var ErrNoConfiguration = errors.New("no Kubernetes configuration: set config_path, config_paths or host " +
	"in the provider block (or KUBE_CONFIG_PATH, KUBE_CONFIG_PATHS or KUBE_HOST), " +
	"or run the provider inside a cluster")

// inClusterConfig is replaced in tests.
var inClusterConfig = rest.InClusterConfig

// RESTConfig builds the client configuration. It reads kubeconfig files but
// never contacts the cluster.
func (c Config) RESTConfig() (*rest.Config, error) {
	var cfg *rest.Config
	switch {
	case len(c.ConfigPaths) > 0 || c.Host != "" || c.hasInlineCredentials():
		var err error
		cfg, err = c.clientcmdConfig()
		if err != nil {
			return nil, err
		}
	default:
		if os.Getenv("KUBERNETES_SERVICE_HOST") == "" {
			return nil, ErrNoConfiguration
		}
		var err error
		cfg, err = inClusterConfig()
		if err != nil {
			return nil, fmt.Errorf("in-cluster configuration: %w", err)
		}
	}

	cfg.QPS = c.QPS
	if cfg.QPS == 0 {
		cfg.QPS = DefaultQPS
	}
	cfg.Burst = c.Burst
	if cfg.Burst == 0 {
		cfg.Burst = DefaultBurst
	}
	if c.UserAgent != "" {
		cfg.UserAgent = c.UserAgent
	}
	return cfg, nil
}

func (c Config) hasInlineCredentials() bool {
	return c.Token != "" || c.Username != "" || c.ClientCertificate != "" || c.Exec != nil
}

func (c Config) clientcmdConfig() (*rest.Config, error) {
	rules := &clientcmd.ClientConfigLoadingRules{}
	for _, p := range c.ConfigPaths {
		expanded, err := expandHome(p)
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(expanded); err != nil {
			return nil, fmt.Errorf("kubeconfig %q: %w", p, err)
		}
		rules.Precedence = append(rules.Precedence, expanded)
	}

	overrides := &clientcmd.ConfigOverrides{}
	overrides.CurrentContext = c.ConfigContext
	overrides.Context.AuthInfo = c.ConfigContextAuthInfo
	overrides.Context.Cluster = c.ConfigContextCluster

	if c.Host != "" {
		overrides.ClusterInfo.Server = c.Host
	}
	if c.Insecure != nil {
		overrides.ClusterInfo.InsecureSkipTLSVerify = *c.Insecure
	}
	if c.TLSServerName != "" {
		overrides.ClusterInfo.TLSServerName = c.TLSServerName
	}
	if c.ClusterCACertificate != "" {
		overrides.ClusterInfo.CertificateAuthorityData = []byte(c.ClusterCACertificate)
	}
	if c.ProxyURL != "" {
		overrides.ClusterDefaults.ProxyURL = c.ProxyURL
		overrides.ClusterInfo.ProxyURL = c.ProxyURL
	}
	if c.ClientCertificate != "" {
		overrides.AuthInfo.ClientCertificateData = []byte(c.ClientCertificate)
	}
	if c.ClientKey != "" {
		overrides.AuthInfo.ClientKeyData = []byte(c.ClientKey)
	}
	if c.Token != "" {
		overrides.AuthInfo.Token = c.Token
	}
	if c.Username != "" {
		overrides.AuthInfo.Username = c.Username
	}
	if c.Password != "" {
		overrides.AuthInfo.Password = c.Password
	}
	if c.Exec != nil {
		exec := &clientcmdapi.ExecConfig{
			APIVersion:      c.Exec.APIVersion,
			Command:         c.Exec.Command,
			Args:            c.Exec.Args,
			InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
		}
		for _, k := range sortedKeys(c.Exec.Env) {
			exec.Env = append(exec.Env, clientcmdapi.ExecEnvVar{Name: k, Value: c.Exec.Env[k]})
		}
		overrides.AuthInfo.Exec = exec
	}

	loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	cfg, err := loader.ClientConfig()
	if err != nil {
		if clientcmd.IsEmptyConfig(err) {
			return nil, ErrNoConfiguration
		}
		return nil, fmt.Errorf("building Kubernetes client configuration: %w", err)
	}
	return cfg, nil
}

func expandHome(p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("expanding %q: %w", p, err)
	}
	return filepath.Join(home, strings.TrimPrefix(p, "~")), nil
}
