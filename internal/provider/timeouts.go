package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

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

// timeoutsBlock is the resources' timeouts block, its description saying
// what each operation waits for and the default.
func timeoutsBlock(ctx context.Context, waits string, def time.Duration) schema.Block {
	b := timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true})
	nested, ok := b.(schema.SingleNestedBlock)
	if !ok {
		return b
	}
	nested.MarkdownDescription = fmt.Sprintf("How long each operation may take, as a duration such as `\"30s\"` or `\"10m\"`; "+
		"default `%s` for each of `create`, `read`, `update` and `delete`. %s", shortDuration(def), waits)
	return nested
}

// shortDuration writes 5m0s as 5m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
