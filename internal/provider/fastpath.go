package provider

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The fast path serves the calls Terraform makes once per object in every
// plan — upgrading the stored state, validating the configuration, reading
// the object and planning no change or its destruction — for the
// ScaledObject and ScaledJob, the resources a stack has hundreds of. The
// framework walks every attribute of their nested schema several times per
// call, building values and paths for each (BENCHMARKS.md: 35,000
// allocations to plan one unchanged ScaledObject); the fast path works on
// the values Terraform sent and runs the same validators, plan semantics and
// resource methods. Every other call, and every case the fast path does not
// cover, is the framework's.
//
// KEDA_PROVIDER_FASTPATH=off serves everything through the framework;
// KEDA_PROVIDER_FASTPATH=check serves the fast path's answer but also asks
// the framework and reports any difference as an error (the tests run so).
const fastPathEnv = "KEDA_PROVIDER_FASTPATH"

type fastPathMode int

const (
	fastPathOn fastPathMode = iota
	fastPathOff
	fastPathCheck
)

func fastPathModeFromEnv() (fastPathMode, error) {
	switch v := os.Getenv(fastPathEnv); v {
	case "", "on":
		return fastPathOn, nil
	case "off":
		return fastPathOff, nil
	case "check":
		return fastPathCheck, nil
	default:
		return fastPathOn, fmt.Errorf("%s=%q: expected on, off or check", fastPathEnv, v)
	}
}

// NewServer returns the provider's protocol server for Terraform: the
// framework's server with the fast path in front of it.
func NewServer(version string) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		mode, err := fastPathModeFromEnv()
		if err != nil {
			return nil, err
		}
		p := &kedaProvider{version: version}
		framework, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		if mode == fastPathOff {
			return framework, nil
		}
		return newFastServer(p, framework, mode), nil
	}
}

// fastServer is the framework's server with the per-object calls of the
// hot resources answered by the fast path.
type fastServer struct {
	tfprotov6.ProviderServer
	provider  *kedaProvider
	mode      fastPathMode
	resources map[string]func() resource.Resource

	mu    sync.Mutex
	ready map[string]*fastResource

	stats fastPathStats
}

// fastPathStats counts the calls the fast path answered and, in check
// mode, those whose answer differed from the framework's.
type fastPathStats struct {
	upgrade, validate, plan, read, apply, differed atomic.Int64
	// configReused counts plans that took the configuration their
	// validation decoded; destroyedByID destroys that decoded only the id
	// and the timeouts of the prior state.
	configReused, destroyedByID atomic.Int64
}

func (s *fastServer) checked(diags []*tfprotov6.Diagnostic) []*tfprotov6.Diagnostic {
	if len(diags) > 0 {
		s.stats.differed.Add(1)
	}
	return diags
}

func newFastServer(p *kedaProvider, framework tfprotov6.ProviderServer, mode fastPathMode) *fastServer {
	return &fastServer{
		ProviderServer: framework,
		provider:       p,
		mode:           mode,
		resources: map[string]func() resource.Resource{
			"keda_ml_scaled_object": NewScaledObjectResource,
			"keda_ml_scaled_job":    NewScaledJobResource,
		},
		ready: map[string]*fastResource{},
	}
}

// fastResource is what the fast path needs of one resource type, built once.
type fastResource struct {
	newResource func() resource.Resource
	schema      schema.Schema
	typ         tftypes.Type
	validate    *validationTree
	defaults    *defaultsTree
	plan        *planTree
	shape       *blockShape
	upgrade     *jsonCodec // nil when stored states are left to tftypes
	configs     validatedConfigs
	// timeoutsType is the type of the schema's timeouts, nil without.
	timeoutsType attr.Type
}

// resource returns the fast path's view of a resource type, or nil when the
// fast path does not serve it.
func (s *fastServer) resource(ctx context.Context, typeName string) *fastResource {
	newResource, ok := s.resources[typeName]
	if !ok {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.ready[typeName]; ok {
		return r
	}
	r := buildFastResource(ctx, newResource)
	s.ready[typeName] = r
	return r
}

func buildFastResource(ctx context.Context, newResource func() resource.Resource) *fastResource {
	var resp resource.SchemaResponse
	newResource().Schema(ctx, resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		return nil
	}
	typ := resp.Schema.Type().TerraformType(ctx)
	validate, ok := buildValidationTree(resp.Schema.Attributes, resp.Schema.Blocks)
	if !ok {
		validate = nil
	}
	defaults, ok := buildDefaultsTree(resp.Schema.Attributes, resp.Schema.Blocks)
	if !ok {
		defaults = nil
	}
	plan, ok := buildPlanTree(resp.Schema.Attributes, resp.Schema.Blocks, false)
	if !ok {
		plan = nil
	}
	shape := buildBlockShape(resp.Schema.Blocks)
	return &fastResource{
		newResource:  newResource,
		schema:       resp.Schema,
		typ:          typ,
		validate:     validate,
		defaults:     defaults,
		plan:         plan,
		shape:        shape,
		upgrade:      buildJSONCodec(typ, shape),
		timeoutsType: timeoutsTypeOf(ctx, resp.Schema),
	}
}

// configuredOrNot returns a new instance of the resource configured with
// whatever the provider's Configure gave, nil before it ran: the framework
// configures every resource it plans that way.
func (s *fastServer) configuredOrNot(ctx context.Context, r *fastResource) (resource.Resource, bool) {
	var data any
	if client := s.provider.configuredClient(); client != nil {
		data = client
	}
	res := r.newResource()
	if c, ok := res.(resource.ResourceWithConfigure); ok {
		var resp resource.ConfigureResponse
		c.Configure(ctx, resource.ConfigureRequest{ProviderData: data}, &resp)
		if resp.Diagnostics.HasError() {
			return nil, false
		}
	}
	return res, true
}

// configured returns a new instance of the resource configured as the
// framework would configure it, or false before the provider is configured.
func (s *fastServer) configured(ctx context.Context, r *fastResource) (resource.Resource, bool) {
	if s.provider.configuredClient() == nil {
		return nil, false
	}
	return s.configuredOrNot(ctx, r)
}
