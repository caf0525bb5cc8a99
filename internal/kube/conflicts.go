package kube

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ConflictPolicy says what an apply does with fields the configuration
// declares that another field manager has taken since.
type ConflictPolicy string

const (
	// ConflictsTakeBack re-applies with force, so the configuration wins,
	// and reports the conflicts for a warning. The default.
	ConflictsTakeBack ConflictPolicy = "take_back"
	// ConflictsFail fails the apply, naming the fields and their managers.
	ConflictsFail ConflictPolicy = "error"
)

// ConflictPolicies lists the policies for validators and docs.
var ConflictPolicies = []ConflictPolicy{ConflictsTakeBack, ConflictsFail}

// FieldConflict is one field the applied configuration sets that another
// field manager owns with a different value.
type FieldConflict struct {
	Manager string // "kubectl-edit"
	Field   string // ".spec.maxReplicaCount"
}

// FieldConflicts extracts the field conflicts from a server-side apply
// error; nil when err is not one.
func FieldConflicts(err error) []FieldConflict {
	if !apierrors.IsConflict(err) {
		return nil
	}
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Details == nil {
		return nil
	}
	var out []FieldConflict
	for _, c := range status.Status().Details.Causes {
		if c.Type != metav1.CauseTypeFieldManagerConflict {
			continue
		}
		out = append(out, FieldConflict{Manager: quotedManager(c.Message), Field: c.Field})
	}
	return out
}

// quotedManager takes the manager out of `conflict with "kubectl-edit"
// using keda.sh/v1alpha1`.
func quotedManager(msg string) string {
	first := strings.IndexByte(msg, '"')
	if first < 0 {
		return msg
	}
	rest := msg[first+1:]
	if end := strings.IndexByte(rest, '"'); end >= 0 {
		return rest[:end]
	}
	return msg
}

// DescribeConflicts lists conflicts as `.spec.x (set by "kubectl-edit")`,
// sorted, one per line.
func DescribeConflicts(conflicts []FieldConflict) string {
	lines := make([]string, 0, len(conflicts))
	for _, c := range conflicts {
		lines = append(lines, fmt.Sprintf("  %s (set by %q)", c.Field, c.Manager))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// Managers lists the distinct managers of conflicts, sorted.
func Managers(conflicts []FieldConflict) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range conflicts {
		if !seen[c.Manager] {
			seen[c.Manager] = true
			out = append(out, c.Manager)
		}
	}
	sort.Strings(out)
	return out
}

// ConflictError is an apply refused because of field conflicts under
// ConflictsFail.
type ConflictError struct {
	Object    string
	Conflicts []FieldConflict
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s: fields this configuration sets have been changed by another field manager "+
		"(%s) since Terraform applied them:\n%s\nThe provider is configured with field_conflicts = %q, so "+
		"nothing was written. Either stop the other manager from setting these fields and apply again, "+
		"update the configuration to the values you want, or set field_conflicts = %q to take the fields back.",
		e.Object, strings.Join(Managers(e.Conflicts), ", "), DescribeConflicts(e.Conflicts), ConflictsFail, ConflictsTakeBack)
}

// StuckDeletionError is a delete whose object outlived the timeout because
// its finalizers did not clear.
type StuckDeletionError struct {
	Kind, Namespace, Name string
	Finalizers            []string
}

func (e *StuckDeletionError) Error() string {
	ref, nsFlag := e.Kind+" "+e.Name, ""
	if e.Namespace != "" {
		ref, nsFlag = e.Kind+" "+e.Namespace+"/"+e.Name, " -n "+e.Namespace
	}
	if len(e.Finalizers) == 0 {
		return fmt.Sprintf("%s was deleted but was still there when the delete timeout ended; "+
			"run terraform again to keep waiting", ref)
	}
	return fmt.Sprintf("%s was deleted but its finalizers (%s) did not clear before the delete timeout. "+
		"The controller that owns them removes them; for KEDA's finalizers that is KEDA's operator: if it is not "+
		"running, or KEDA was uninstalled before this object, start it again. Otherwise remove the finalizers by "+
		"hand: kubectl patch %s %s%s --type=merge -p '{\"metadata\":{\"finalizers\":null}}'; then run terraform "+
		"again.", ref, strings.Join(e.Finalizers, ", "), strings.ToLower(e.Kind), e.Name, nsFlag)
}
