package provider

import (
	"bytes"
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// UpgradeResourceState of a state already at the schema's version is the
// framework's pass-through: the stored JSON decoded with the current schema,
// attributes it no longer has dropped.
func (s *fastServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	r := s.resource(ctx, req.TypeName)
	if r == nil || req.RawState == nil || req.RawState.JSON == nil || req.Version != r.schema.Version {
		return s.ProviderServer.UpgradeResourceState(ctx, req)
	}
	state, ok := r.upgradeState(req.RawState.JSON)
	if !ok {
		return s.ProviderServer.UpgradeResourceState(ctx, req)
	}
	resp := &tfprotov6.UpgradeResourceStateResponse{UpgradedState: &state}
	s.stats.upgrade.Add(1)
	if s.mode == fastPathCheck {
		want, err := s.ProviderServer.UpgradeResourceState(ctx, req)
		if err != nil {
			return nil, err
		}
		resp.Diagnostics = append(resp.Diagnostics, s.checked(compareUpgrade(r.typ, resp, want))...)
	}
	return resp, nil
}

// upgradeState is the framework's answer to a state stored at the current
// version: the JSON decoded against the schema (attributes it no longer has
// dropped), empty list blocks as empty lists, as MessagePack.
func (r *fastResource) upgradeState(stored []byte) (tfprotov6.DynamicValue, bool) {
	if r.upgrade != nil {
		if msgPack, ok := r.upgrade.transcode(stored); ok {
			return tfprotov6.DynamicValue{MsgPack: msgPack}, true
		}
	}
	v, err := (&tfprotov6.RawState{JSON: stored}).UnmarshalWithOpts(r.typ, tfprotov6.UnmarshalOpts{
		ValueFromJSONOpts: tftypes.ValueFromJSONOpts{IgnoreUndefinedAttributes: true},
	})
	if err != nil {
		return tfprotov6.DynamicValue{}, false
	}
	state, err := tfprotov6.NewDynamicValue(r.typ, r.shape.reifyNull(v))
	return state, err == nil
}

// ValidateResourceConfig runs the resource's configuration validators and
// every attribute and block validator of its schema.
func (s *fastServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	r := s.resource(ctx, req.TypeName)
	if r == nil || r.validate == nil || req.Config == nil {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	raw, err := req.Config.Unmarshal(r.typ)
	if err != nil {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	config := tfsdk.Config{Raw: r.shape.nullifyEmpty(raw), Schema: r.schema}
	r.configs.put(req.Config.MsgPack, config.Raw)
	var caps resource.ValidateConfigClientCapabilities
	if req.ClientCapabilities != nil {
		caps.WriteOnlyAttributesAllowed = req.ClientCapabilities.WriteOnlyAttributesAllowed
	}
	w := &validationWalk{config: config, caps: validator.ValidateSchemaClientCapabilities{WriteOnlyAttributesAllowed: caps.WriteOnlyAttributesAllowed}}
	res := r.newResource()
	vreq := resource.ValidateConfigRequest{ClientCapabilities: caps, Config: config}
	if v, ok := res.(resource.ResourceWithConfigValidators); ok {
		for _, cv := range v.ConfigValidators(ctx) {
			vresp := &resource.ValidateConfigResponse{}
			cv.ValidateResource(ctx, vreq, vresp)
			w.diags.Append(vresp.Diagnostics...)
		}
	}
	if v, ok := res.(resource.ResourceWithValidateConfig); ok {
		vresp := &resource.ValidateConfigResponse{}
		v.ValidateConfig(ctx, vreq, vresp)
		w.diags.Append(vresp.Diagnostics...)
	}
	r.validate.run(ctx, w, config.Raw, path.Empty(), path.Expression{}, true)
	if w.bailed {
		return s.ProviderServer.ValidateResourceConfig(ctx, req)
	}
	resp := &tfprotov6.ValidateResourceConfigResponse{Diagnostics: protoDiagnostics(ctx, w.diags)}
	s.stats.validate.Add(1)
	if s.mode == fastPathCheck {
		want, err := s.ProviderServer.ValidateResourceConfig(ctx, req)
		if err != nil {
			return nil, err
		}
		resp.Diagnostics = append(resp.Diagnostics, s.checked(compareDiagnostics("ValidateResourceConfig", resp.Diagnostics, want.Diagnostics))...)
	}
	return resp, nil
}

// PlanResourceChange plans a create, an update, no change or a destroy as
// the framework would; what the fast path does not cover is the framework's.
func (s *fastServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, ok := s.plan(ctx, req)
	if !ok {
		return s.ProviderServer.PlanResourceChange(ctx, req)
	}
	s.stats.plan.Add(1)
	if s.mode == fastPathCheck {
		want, err := s.ProviderServer.PlanResourceChange(ctx, req)
		if err != nil {
			return nil, err
		}
		resp.Diagnostics = append(resp.Diagnostics, s.checked(comparePlan(s.resource(ctx, req.TypeName).typ, resp, want))...)
	}
	return resp, nil
}

func (s *fastServer) plan(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, bool) {
	r := s.resource(ctx, req.TypeName)
	if r == nil || r.defaults == nil || len(req.PriorPrivate) > 0 || req.ProposedNewState == nil || req.PriorState == nil || req.Config == nil {
		return nil, false
	}
	proposed, err := req.ProposedNewState.Unmarshal(r.typ)
	if err != nil {
		return nil, false
	}
	if proposed.IsNull() {
		return &tfprotov6.PlanResourceChangeResponse{PlannedState: req.ProposedNewState}, true
	}
	// The same encoding is the same value: a proposal that keeps the prior
	// state (every refresh with nothing to change) is decoded once, and
	// comparing bytes costs far less than tftypes' Equal, which diffs them.
	same := len(req.ProposedNewState.MsgPack) > 0 && bytes.Equal(req.ProposedNewState.MsgPack, req.PriorState.MsgPack)
	// The framework sees empty blocks as null: the prior state and the
	// proposal are compared, and the defaults looked up, as it would.
	proposed = r.shape.nullifyEmpty(proposed)
	prior := proposed
	if !same {
		if prior, err = req.PriorState.Unmarshal(r.typ); err != nil {
			return nil, false
		}
		prior = r.shape.nullifyEmpty(prior)
	}
	config, reused := r.configs.take(req.Config.MsgPack)
	if reused {
		s.stats.configReused.Add(1)
	} else {
		rawConfig, err := req.Config.Unmarshal(r.typ)
		if err != nil {
			return nil, false
		}
		config = r.shape.nullifyEmpty(rawConfig)
	}
	if prior.IsNull() || (!same && !proposed.Equal(prior)) {
		return s.planCreateOrUpdate(ctx, r, req, config, proposed, prior)
	}
	if _, changed, ok := r.defaults.applyChanged(ctx, proposed, config, path.Empty(), true); !ok || changed {
		return s.planCreateOrUpdate(ctx, r, req, config, proposed, prior)
	}
	// Unchanged: defaults, modifiers and ModifyPlan leave such a plan as
	// Terraform proposed it.
	planned, err := tfprotov6.NewDynamicValue(r.typ, r.shape.reifyNull(proposed))
	if err != nil {
		return nil, false
	}
	return &tfprotov6.PlanResourceChangeResponse{PlannedState: &planned}, true
}

// ReadResource calls the resource's own Read with the state decoded as the
// framework decodes it, and encodes what it returns the same way. A read
// right after an import carries the framework's private marker and is left
// to it.
func (s *fastServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, ok := s.read(ctx, req)
	if !ok {
		return s.ProviderServer.ReadResource(ctx, req)
	}
	s.stats.read.Add(1)
	if s.mode == fastPathCheck {
		want, err := s.ProviderServer.ReadResource(ctx, req)
		if err != nil {
			return nil, err
		}
		resp.Diagnostics = append(resp.Diagnostics, s.checked(compareRead(s.resource(ctx, req.TypeName).typ, resp, want))...)
	}
	return resp, nil
}

func (s *fastServer) read(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, bool) {
	r := s.resource(ctx, req.TypeName)
	if r == nil || len(req.Private) > 0 || req.CurrentState == nil || req.CurrentIdentity != nil {
		return nil, false
	}
	res, ok := s.configured(ctx, r)
	if !ok {
		return nil, false
	}
	raw, err := req.CurrentState.Unmarshal(r.typ)
	if err != nil {
		return nil, false
	}
	raw = r.shape.nullifyEmpty(raw)
	var caps resource.ReadClientCapabilities
	if req.ClientCapabilities != nil {
		caps.DeferralAllowed = req.ClientCapabilities.DeferralAllowed
	}
	readReq := resource.ReadRequest{ClientCapabilities: caps, State: tfsdk.State{Schema: r.schema, Raw: raw}}
	readResp := resource.ReadResponse{State: tfsdk.State{Schema: r.schema, Raw: raw}}
	res.Read(ctx, readReq, &readResp)
	if readResp.Deferred != nil || readResp.Identity != nil {
		return nil, false
	}
	resp := &tfprotov6.ReadResourceResponse{Diagnostics: protoDiagnostics(ctx, readResp.Diagnostics)}
	resp.NewState = s.encodeState(r, readResp.State.Raw, &resp.Diagnostics)
	return resp, true
}

func (s *fastServer) encodeState(r *fastResource, v tftypes.Value, diags *[]*tfprotov6.Diagnostic) *tfprotov6.DynamicValue {
	if v.Type() == nil {
		v = tftypes.NewValue(r.typ, nil)
	}
	dv, err := tfprotov6.NewDynamicValue(r.typ, r.shape.reifyNull(v))
	if err != nil {
		*diags = append(*diags, &tfprotov6.Diagnostic{
			Severity: tfprotov6.DiagnosticSeverityError, Summary: "Error encoding the state", Detail: err.Error(),
		})
		return nil
	}
	return &dv
}

// protoDiagnostics is the framework's conversion of diagnostics to the
// protocol's.
func protoDiagnostics(ctx context.Context, diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	if len(diags) == 0 {
		return nil
	}
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Summary: d.Summary(), Detail: d.Detail()}
		switch d.Severity() {
		case diag.SeverityError:
			pd.Severity = tfprotov6.DiagnosticSeverityError
		case diag.SeverityWarning:
			pd.Severity = tfprotov6.DiagnosticSeverityWarning
		default:
			pd.Severity = tfprotov6.DiagnosticSeverityInvalid
		}
		if dp, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = tftypesPath(ctx, dp.Path())
		}
		out = append(out, pd)
	}
	return out
}

func tftypesPath(ctx context.Context, p path.Path) *tftypes.AttributePath {
	var steps []tftypes.AttributePathStep
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			steps = append(steps, tftypes.AttributeName(s))
		case path.PathStepElementKeyInt:
			steps = append(steps, tftypes.ElementKeyInt(s))
		case path.PathStepElementKeyString:
			steps = append(steps, tftypes.ElementKeyString(s))
		case path.PathStepElementKeyValue:
			v, err := s.ToTerraformValue(ctx)
			if err != nil {
				return nil
			}
			steps = append(steps, tftypes.ElementKeyValue(v))
		}
	}
	return tftypes.NewAttributePathWithSteps(steps)
}

// ApplyResourceChange calls the resource's own Create, Update or Delete
// with the values decoded as the framework decodes them, and checks what
// they leave as the framework checks it. It cannot be compared in check
// mode (the framework would write the object again): the acceptance tests
// check its results, and every plan after an apply is compared.
func (s *fastServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	if resp, ok := s.apply(ctx, req); ok {
		s.stats.apply.Add(1)
		return resp, nil
	}
	return s.ProviderServer.ApplyResourceChange(ctx, req)
}

func (s *fastServer) apply(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, bool) {
	r := s.resource(ctx, req.TypeName)
	if r == nil || len(req.PlannedPrivate) > 0 || req.PlannedIdentity != nil || req.PlannedState == nil || req.PriorState == nil || req.Config == nil {
		return nil, false
	}
	if resp, ok := s.destroy(ctx, r, req); ok {
		return resp, true
	}
	var values [3]tftypes.Value
	for i, dv := range []*tfprotov6.DynamicValue{req.Config, req.PlannedState, req.PriorState} {
		v, err := dv.Unmarshal(r.typ)
		if err != nil {
			return nil, false
		}
		values[i] = r.shape.nullifyEmpty(v)
	}
	config := tfsdk.Config{Raw: values[0], Schema: r.schema}
	plan := tfsdk.Plan{Raw: values[1], Schema: r.schema}
	prior := tfsdk.State{Raw: values[2], Schema: r.schema}
	null := tftypes.NewValue(r.typ, nil)
	res, ok := s.configuredOrNot(ctx, r)
	if !ok {
		return nil, false
	}
	var diags diag.Diagnostics
	var state tftypes.Value
	switch {
	case prior.Raw.IsNull():
		resp := resource.CreateResponse{State: tfsdk.State{Raw: null, Schema: r.schema}}
		res.Create(ctx, resource.CreateRequest{Config: config, Plan: plan}, &resp)
		diags, state = resp.Diagnostics, resp.State.Raw
		if !diags.HasError() && state.Equal(null) {
			diags.AddError("Missing Resource State After Create",
				"The Terraform Provider unexpectedly returned no resource state after having no errors in the resource creation. "+
					"This is always an issue in the Terraform Provider and should be reported to the provider developers.\n\n"+
					"The resource may have been successfully created, but Terraform is not tracking it. "+
					"Applying the configuration again with no other action may result in duplicate resource errors."+
					" Import the resource if the resource was actually created and Terraform should be tracking it.")
		}
	case plan.Raw.IsNull():
		resp := resource.DeleteResponse{State: prior}
		res.Delete(ctx, resource.DeleteRequest{State: prior}, &resp)
		diags, state = resp.Diagnostics, resp.State.Raw
		if !diags.HasError() {
			state = null
		}
	default:
		resp := resource.UpdateResponse{State: prior}
		res.Update(ctx, resource.UpdateRequest{Config: config, Plan: plan, State: prior}, &resp)
		diags, state = resp.Diagnostics, resp.State.Raw
		if !diags.HasError() && state.Equal(null) {
			diags.AddError("Missing Resource State After Update",
				"The Terraform Provider unexpectedly returned no resource state after having no errors in the resource update. "+
					"This is always an issue in the Terraform Provider and should be reported to the provider developers.")
		}
	}
	resp := &tfprotov6.ApplyResourceChangeResponse{Diagnostics: protoDiagnostics(ctx, diags)}
	resp.NewState = s.encodeState(r, state, &resp.Diagnostics)
	return resp, true
}
