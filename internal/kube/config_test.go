package kube

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/rest"
)

const testKubeconfig = `apiVersion: v1
kind: Config
current-context: dev
clusters:
- name: dev-cluster
  cluster:
    server: https://dev.example:6443
- name: prod-cluster
  cluster:
    server: https://prod.example:6443
    insecure-skip-tls-verify: true
users:
- name: dev-user
  user:
    token: dev-token
- name: prod-user
  user:
    token: prod-token
contexts:
- name: dev
  context:
    cluster: dev-cluster
    user: dev-user
- name: prod
  context:
    cluster: prod-cluster
    user: prod-user
`

func TestRESTConfig(t *testing.T) {
	dir := t.TempDir()
	kubeconfig := filepath.Join(dir, "config")
	if err := os.WriteFile(kubeconfig, []byte(testKubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	yes := true
	cases := []struct {
		name      string
		cfg       Config
		env       map[string]string
		inCluster bool
		wantErr   string
		check     func(t *testing.T, rc *rest.Config)
	}{
		{
			name:    "nothing set outside a cluster",
			wantErr: "no Kubernetes configuration",
		},
		{
			name:      "nothing set inside a cluster uses the pod's service account",
			inCluster: true,
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "host", rc.Host, "https://10.0.0.1:443")
				expect(t, "token", rc.BearerToken, "in-cluster-token")
			},
		},
		{
			name: "host and token",
			cfg:  Config{Host: "https://api.example:6443", Token: "abc", ClusterCACertificate: "PEM"},
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "host", rc.Host, "https://api.example:6443")
				expect(t, "token", rc.BearerToken, "abc")
				expect(t, "ca", string(rc.CAData), "PEM")
			},
		},
		{
			name: "basic auth, insecure, tls server name, proxy",
			cfg: Config{Host: "https://api.example", Username: "u", Password: "p", Insecure: &yes,
				TLSServerName: "api.internal", ProxyURL: "http://proxy.example:3128"},
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "username", rc.Username, "u")
				expect(t, "password", rc.Password, "p")
				expect(t, "insecure", rc.Insecure, true)
				expect(t, "server name", rc.ServerName, "api.internal")
				if rc.Proxy == nil {
					t.Error("proxy not set")
				}
			},
		},
		{
			name: "client certificate",
			cfg:  Config{Host: "https://api.example", ClientCertificate: "CERT", ClientKey: "KEY"},
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "cert", string(rc.CertData), "CERT")
				expect(t, "key", string(rc.KeyData), "KEY")
			},
		},
		{
			name: "kubeconfig current context",
			cfg:  Config{ConfigPaths: []string{kubeconfig}},
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "host", rc.Host, "https://dev.example:6443")
				expect(t, "token", rc.BearerToken, "dev-token")
			},
		},
		{
			name: "kubeconfig with config_context",
			cfg:  Config{ConfigPaths: []string{kubeconfig}, ConfigContext: "prod"},
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "host", rc.Host, "https://prod.example:6443")
				expect(t, "token", rc.BearerToken, "prod-token")
				expect(t, "insecure", rc.Insecure, true)
			},
		},
		{
			name: "kubeconfig with auth info and cluster overrides",
			cfg:  Config{ConfigPaths: []string{kubeconfig}, ConfigContextAuthInfo: "prod-user", ConfigContextCluster: "dev-cluster"},
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "host", rc.Host, "https://dev.example:6443")
				expect(t, "token", rc.BearerToken, "prod-token")
			},
		},
		{
			name: "host overrides the kubeconfig's server",
			cfg:  Config{ConfigPaths: []string{kubeconfig}, Host: "https://override.example"},
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "host", rc.Host, "https://override.example")
				expect(t, "token", rc.BearerToken, "dev-token")
			},
		},
		{
			name:    "missing kubeconfig names the file",
			cfg:     Config{ConfigPaths: []string{filepath.Join(dir, "nope")}},
			wantErr: filepath.Join(dir, "nope"),
		},
		{
			name:    "unknown context",
			cfg:     Config{ConfigPaths: []string{kubeconfig}, ConfigContext: "staging"},
			wantErr: "staging",
		},
		{
			name: "exec plugin",
			cfg: Config{Host: "https://eks.example", Exec: &ExecConfig{
				APIVersion: "client.authentication.k8s.io/v1beta1", Command: "aws",
				Args: []string{"eks", "get-token"}, Env: map[string]string{"B": "2", "A": "1"},
			}},
			check: func(t *testing.T, rc *rest.Config) {
				if rc.ExecProvider == nil {
					t.Fatal("exec provider not set")
				}
				expect(t, "command", rc.ExecProvider.Command, "aws")
				expect(t, "args", strings.Join(rc.ExecProvider.Args, " "), "eks get-token")
				expect(t, "env order", rc.ExecProvider.Env[0].Name, "A")
			},
		},
		{
			name: "default rate limits do not throttle",
			cfg:  Config{Host: "https://api.example"},
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "qps", rc.QPS, float32(DefaultQPS))
				expect(t, "burst", rc.Burst, DefaultBurst)
			},
		},
		{
			name: "rate limits from the provider block",
			cfg:  Config{Host: "https://api.example", QPS: 20, Burst: 40},
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "qps", rc.QPS, float32(20))
				expect(t, "burst", rc.Burst, 40)
			},
		},
		{
			name: "KUBE_HOST and KUBE_TOKEN",
			env:  map[string]string{"KUBE_HOST": "https://env.example", "KUBE_TOKEN": "env-token"},
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "host", rc.Host, "https://env.example")
				expect(t, "token", rc.BearerToken, "env-token")
			},
		},
		{
			name: "the provider block wins over the environment",
			cfg:  Config{Host: "https://block.example"},
			env:  map[string]string{"KUBE_HOST": "https://env.example", "KUBE_TOKEN": "env-token"},
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "host", rc.Host, "https://block.example")
				expect(t, "token from env still fills the gap", rc.BearerToken, "env-token")
			},
		},
		{
			name: "KUBE_CONFIG_PATH and KUBE_CTX",
			env:  map[string]string{"KUBE_CONFIG_PATH": kubeconfig, "KUBE_CTX": "prod"},
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "host", rc.Host, "https://prod.example:6443")
			},
		},
		{
			name:    "KUBE_CONFIG_PATHS is a path list",
			env:     map[string]string{"KUBE_CONFIG_PATHS": filepath.Join(dir, "missing-is-listed") + string(os.PathListSeparator) + kubeconfig},
			wantErr: "missing-is-listed",
		},
		{
			name: "config_path in the block wins over KUBE_CONFIG_PATH",
			cfg:  Config{ConfigPaths: []string{kubeconfig}},
			env:  map[string]string{"KUBE_CONFIG_PATH": filepath.Join(dir, "ignored")},
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "host", rc.Host, "https://dev.example:6443")
			},
		},
		{
			name: "KUBE_INSECURE",
			cfg:  Config{Host: "https://api.example"},
			env:  map[string]string{"KUBE_INSECURE": "true"},
			check: func(t *testing.T, rc *rest.Config) {
				expect(t, "insecure", rc.Insecure, true)
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.inCluster {
				t.Setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1")
				old := inClusterConfig
				inClusterConfig = func() (*rest.Config, error) {
					return &rest.Config{Host: "https://10.0.0.1:443", BearerToken: "in-cluster-token"}, nil
				}
				t.Cleanup(func() { inClusterConfig = old })
			} else {
				t.Setenv("KUBERNETES_SERVICE_HOST", "")
			}
			getenv := func(k string) string { return tc.env[k] }
			rc, err := tc.cfg.WithEnvDefaults(getenv).RESTConfig()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, rc)
		})
	}
}

func TestNoConfigurationIsTyped(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	_, err := Config{}.RESTConfig()
	if !errors.Is(err, ErrNoConfiguration) {
		t.Fatalf("got %v", err)
	}
}

func TestUnknownConfigurationFailsOnUse(t *testing.T) {
	c := NewClient(Config{Host: "https://api.example"}, true)
	if _, err := c.KEDA(); !errors.Is(err, ErrConfigUnknown) {
		t.Fatalf("got %v", err)
	}
}

func expect[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}
