package provider

import (
	"sync"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// validatedConfigs hands the configuration ValidateResourceConfig decoded
// to the PlanResourceChange that follows it: Terraform validates a resource
// instance's configuration and then plans it with the same bytes, so the
// plan need not decode them again. A few instances are in flight at a time
// (Terraform's parallelism), so a small ring holds them; an entry is
// dropped when taken, and a miss only means decoding as before.
type validatedConfigs struct {
	mu    sync.Mutex
	slots [validatedConfigSlots]validatedConfig
	next  int
}

// validatedConfigSlots is three times Terraform's default parallelism.
const validatedConfigSlots = 32

type validatedConfig struct {
	msgPack string
	value   tftypes.Value // as the framework sees it: empty blocks null
}

func (c *validatedConfigs) put(msgPack []byte, value tftypes.Value) {
	if len(msgPack) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slots[c.next] = validatedConfig{msgPack: string(msgPack), value: value}
	c.next = (c.next + 1) % len(c.slots)
}

// take returns and forgets the value decoded from exactly these bytes.
func (c *validatedConfigs) take(msgPack []byte) (tftypes.Value, bool) {
	if len(msgPack) == 0 {
		return tftypes.Value{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.slots {
		if s := &c.slots[i]; len(s.msgPack) == len(msgPack) && s.msgPack == string(msgPack) {
			value := s.value
			*s = validatedConfig{}
			return value, true
		}
	}
	return tftypes.Value{}, false
}
