package install

import (
	"slices"
	"testing"
)

func TestCRDChanges(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to Version
		// lost are fields that must be reported lost, by CRD.
		lost map[string][]string
		// same are CRDs that must not be reported.
		same []string
	}{
		{
			name: "2.21.0 to 2.20.2: the Azure service principal and the Job's scheduling group go",
			from: V2_21_0, to: V2_20_2,
			lost: map[string][]string{
				"triggerauthentications.keda.sh":        {"spec.azureServicePrincipal"},
				"clustertriggerauthentications.keda.sh": {"spec.azureServicePrincipal"},
				"scaledjobs.keda.sh":                    {"spec.jobTargetRef.template.spec.schedulingGroup"},
			},
			same: []string{"scaledobjects.keda.sh", "cloudeventsources.eventing.keda.sh"},
		},
		{
			name: "2.21.0 to 2.19.0: also OAuth2 and pod identities' external IDs",
			from: V2_21_0, to: V2_19_0,
			lost: map[string][]string{
				"triggerauthentications.keda.sh": {"spec.oauth2", "spec.podIdentity.externalID", "spec.azureServicePrincipal"},
			},
		},
		{
			name: "no version differs from itself",
			from: V2_21_0, to: V2_21_0,
			same: []string{"scaledobjects.keda.sh", "scaledjobs.keda.sh", "triggerauthentications.keda.sh"},
		},
		{
			name: "an upgrade loses no field",
			from: V2_19_0, to: V2_21_0,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			changes, err := CRDChanges(tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			byCRD := map[string][]string{}
			for _, c := range changes {
				byCRD[c.CRD] = c.Lost
				if tc.from.Compare(tc.to) < 0 && len(c.Lost) > 0 {
					t.Errorf("upgrade %s→%s loses %s %v", tc.from, tc.to, c.CRD, c.Lost)
				}
			}
			for crd, fields := range tc.lost {
				got, ok := byCRD[crd]
				if !ok {
					t.Errorf("%s not reported; changes: %v", crd, changes)
				}
				for _, f := range fields {
					if !slices.Contains(got, f) {
						t.Errorf("%s: %s not reported lost; lost: %v", crd, f, got)
					}
				}
			}
			for _, crd := range tc.same {
				if _, ok := byCRD[crd]; ok {
					t.Errorf("%s reported although unchanged: %v", crd, byCRD[crd])
				}
			}
		})
	}
}
