package provider

import (
	"bytes"
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// stateIDDeleter is a resource whose Delete reads only the id and the
// timeouts of its state (deleteByStateID): a destroy then decodes those two
// attributes of the prior state instead of all of it.
type stateIDDeleter interface {
	deleteByID(ctx context.Context, id string, t timeouts.Value) diag.Diagnostics
}

// msgPackNull is how Terraform encodes a null object: a planned destroy.
var msgPackNull = []byte{msgpcode.Nil}

// destroy deletes as the framework's ApplyResourceChange does when the plan
// is null: Delete with the prior state, then a null state, or the prior
// state as it was if Delete failed.
func (s *fastServer) destroy(ctx context.Context, r *fastResource, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, bool) {
	if !bytes.Equal(req.PlannedState.MsgPack, msgPackNull) || r.timeoutsType == nil {
		return nil, false
	}
	id, t, ok := r.idAndTimeouts(ctx, req.PriorState.MsgPack)
	if !ok {
		return nil, false
	}
	res, ok := s.configuredOrNot(ctx, r)
	if !ok {
		return nil, false
	}
	deleter, ok := res.(stateIDDeleter)
	if !ok {
		return nil, false
	}
	diags := deleter.deleteByID(ctx, id, t)
	s.stats.destroyedByID.Add(1)
	resp := &tfprotov6.ApplyResourceChangeResponse{Diagnostics: protoDiagnostics(ctx, diags)}
	if !diags.HasError() {
		resp.NewState = s.encodeState(r, tftypes.NewValue(r.typ, nil), &resp.Diagnostics)
		return resp, true
	}
	prior, err := req.PriorState.Unmarshal(r.typ)
	if err != nil {
		resp.NewState = req.PriorState
		return resp, true
	}
	resp.NewState = s.encodeState(r, r.shape.nullifyEmpty(prior), &resp.Diagnostics)
	return resp, true
}

// idAndTimeouts reads the top-level id and timeouts of a state encoded as
// MessagePack, skipping every other attribute, as State.GetAttribute reads
// them; false for anything it would not read the same way (a null or
// missing id, a value that is not an object).
func (r *fastResource) idAndTimeouts(ctx context.Context, state []byte) (string, timeouts.Value, bool) {
	dec := msgpack.NewDecoder(bytes.NewReader(state))
	n, err := dec.DecodeMapLen()
	if err != nil || n < 0 {
		return "", timeouts.Value{}, false
	}
	var id string
	var haveID bool
	var rawTimeouts msgpack.RawMessage
	for range n {
		key, err := dec.DecodeString()
		if err != nil {
			return "", timeouts.Value{}, false
		}
		switch key {
		case "id":
			code, err := dec.PeekCode()
			if err != nil || !msgpcode.IsString(code) {
				return "", timeouts.Value{}, false
			}
			if id, err = dec.DecodeString(); err != nil {
				return "", timeouts.Value{}, false
			}
			haveID = true
		case "timeouts":
			if rawTimeouts, err = dec.DecodeRaw(); err != nil {
				return "", timeouts.Value{}, false
			}
		default:
			if err := dec.Skip(); err != nil {
				return "", timeouts.Value{}, false
			}
		}
	}
	if !haveID || rawTimeouts == nil {
		return "", timeouts.Value{}, false
	}
	tfValue, err := (&tfprotov6.DynamicValue{MsgPack: rawTimeouts}).Unmarshal(r.timeoutsType.TerraformType(ctx))
	if err != nil {
		return "", timeouts.Value{}, false
	}
	v, err := r.timeoutsType.ValueFromTerraform(ctx, tfValue)
	if err != nil {
		return "", timeouts.Value{}, false
	}
	t, ok := v.(timeouts.Value)
	return id, t, ok
}

// timeoutsTypeOf is the type of a schema's top-level timeouts, nil without.
func timeoutsTypeOf(ctx context.Context, s interface {
	TypeAtPath(context.Context, path.Path) (attr.Type, diag.Diagnostics)
}) attr.Type {
	typ, diags := s.TypeAtPath(ctx, path.Root("timeouts"))
	if diags.HasError() {
		return nil
	}
	return typ
}
