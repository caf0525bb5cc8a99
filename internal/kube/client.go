package kube

import (
	"errors"
	"fmt"
	"net/http"
	"sync"

	kedaclient "github.com/kedacore/keda/v2/pkg/generated/clientset/versioned"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// FieldManager is the server-side apply field manager of every object the
// provider writes.
const FieldManager = "terraform-provider-keda"

// ErrConfigUnknown is returned when a client is needed before Terraform
// knows the provider configuration, e.g. when the cluster is created in the
// same apply and an existing object must be refreshed.
var ErrConfigUnknown = errors.New("the provider configuration depends on values that are not known yet " +
	"(for example a cluster created in the same apply); the Kubernetes API cannot be reached until they are")

// Client builds its clients once, on first use, so that configuring the
// provider and planning new objects never touch the network.
type Client struct {
	config  Config
	unknown bool

	once    sync.Once
	err     error
	rest    *rest.Config
	keda    kedaclient.Interface
	core    kubernetes.Interface
	dynamic dynamic.Interface
	// httpClient is shared by the REST clients built per group version.
	httpClient *http.Client
	restMu     sync.Mutex
	restByGV   map[schema.GroupVersion]rest.Interface
}

// NewClient returns a client for cfg. When unknown is true the configuration
// is incomplete and every API call fails with ErrConfigUnknown.
func NewClient(cfg Config, unknown bool) *Client {
	return &Client{config: cfg, unknown: unknown}
}

// conflictPolicy is the configured ConflictPolicy, take_back when unset.
func (c *Client) conflictPolicy() ConflictPolicy {
	if c.config.FieldConflicts == "" {
		return ConflictsTakeBack
	}
	return c.config.FieldConflicts
}

// NewClientFromREST wraps an existing REST configuration (tests, tools).
func NewClientFromREST(cfg *rest.Config) *Client {
	c := &Client{}
	c.once.Do(func() { c.err = c.build(rest.CopyConfig(cfg)) })
	return c
}

func (c *Client) init() error {
	c.once.Do(func() {
		if c.unknown {
			c.err = ErrConfigUnknown
			return
		}
		rc, err := c.config.RESTConfig()
		if err != nil {
			c.err = err
			return
		}
		c.err = c.build(rc)
	})
	return c.err
}

func (c *Client) build(rc *rest.Config) error {
	rc.WrapTransport = wrapLogging(rc.WrapTransport)
	kc, err := kedaclient.NewForConfig(rc)
	if err != nil {
		return fmt.Errorf("building the KEDA client: %w", err)
	}
	cc, err := kubernetes.NewForConfig(rc)
	if err != nil {
		return fmt.Errorf("building the Kubernetes client: %w", err)
	}
	dc, err := dynamic.NewForConfig(rc)
	if err != nil {
		return fmt.Errorf("building the dynamic client: %w", err)
	}
	hc, err := rest.HTTPClientFor(rc)
	if err != nil {
		return fmt.Errorf("building the HTTP client: %w", err)
	}
	c.rest, c.keda, c.core, c.dynamic, c.httpClient = rc, kc, cc, dc, hc
	return nil
}

// KEDA returns the typed KEDA clientset.
func (c *Client) KEDA() (kedaclient.Interface, error) {
	if err := c.init(); err != nil {
		return nil, err
	}
	return c.keda, nil
}

// Core returns the typed Kubernetes clientset.
func (c *Client) Core() (kubernetes.Interface, error) {
	if err := c.init(); err != nil {
		return nil, err
	}
	return c.core, nil
}

// REST returns the REST configuration the clients were built from.
func (c *Client) REST() (*rest.Config, error) {
	if err := c.init(); err != nil {
		return nil, err
	}
	return c.rest, nil
}
