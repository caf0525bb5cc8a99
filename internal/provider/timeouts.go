package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

const defaultTimeout = 5 * time.Minute

// timeoutFunc is one of timeouts.Value's per-operation methods, e.g.
// timeouts.Value.Create.
type timeoutFunc func(timeouts.Value, context.Context, time.Duration) (time.Duration, diag.Diagnostics)

// withTimeout bounds ctx by the operation's configured timeout.
func withTimeout(ctx context.Context, t timeouts.Value, op timeoutFunc, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	timeout, d := op(t, ctx, defaultTimeout)
	diags.Append(d...)
	return context.WithTimeout(ctx, timeout)
}
