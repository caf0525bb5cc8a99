package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{5 * time.Minute: "5m", 10 * time.Minute: "10m", 90 * time.Second: "1m30s", 2 * time.Hour: "2h"} {
		if got := shortDuration(d); got != want {
			t.Errorf("shortDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// The default the timeouts block documents is the one an operation without
// a configured timeout gets.
func TestTimeoutsBlock_documentsTheDefault(t *testing.T) {
	ctx := context.Background()
	for name, def := range map[string]time.Duration{"scaled objects and trigger authentications": defaultTimeout, "installation": installTimeout} {
		b, ok := timeoutsBlock(ctx, "", def).(schema.SingleNestedBlock)
		if !ok {
			t.Fatalf("%s: the timeouts block is not a single nested block", name)
		}
		if want := "default `" + shortDuration(def) + "`"; !strings.Contains(b.MarkdownDescription, want) {
			t.Errorf("%s: description %q does not say %s", name, b.MarkdownDescription, want)
		}
	}
	unset := timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
		"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType,
	})}
	var diags diag.Diagnostics
	for _, op := range []timeoutFunc{timeouts.Value.Create, timeouts.Value.Read, timeouts.Value.Update, timeouts.Value.Delete} {
		start := time.Now()
		c, cancel := withTimeout(ctx, unset, op, &diags)
		deadline, _ := c.Deadline()
		cancel()
		if got := deadline.Sub(start); got < defaultTimeout-time.Second || got > defaultTimeout+time.Second {
			t.Errorf("an operation without a timeout gets %v, want %v", got, defaultTimeout)
		}
	}
	if diags.HasError() {
		t.Fatal(diags)
	}
}
