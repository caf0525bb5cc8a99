package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var soResource = schema.GroupResource{Group: "keda.sh", Resource: "scaledobjects"}

// urlError is how client-go reports a failure below HTTP.
func urlError(err error) error {
	return &url.Error{Op: "Patch", URL: "https://127.0.0.1:6443/apis/keda.sh/v1alpha1/namespaces/ml/scaledobjects/w", Err: err}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "net/http: TLS handshake timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestIsTransient(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"connection refused", urlError(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}), true},
		{"connection reset", urlError(&net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}), true},
		{"unexpected EOF", urlError(io.ErrUnexpectedEOF), true},
		{"EOF", urlError(io.EOF), true},
		{"TLS handshake timeout", urlError(timeoutErr{}), true},
		{"GOAWAY", urlError(errors.New("http2: server sent GOAWAY and closed the connection; LastStreamID=1")), true},
		// client-go closes its connections to a server that stopped answering.
		{"connection force closed", urlError(errors.New("http2: client connection force closed via ClientConn.Close")), true},
		{"429 with Retry-After", apierrors.NewTooManyRequests("slow down", 1), true},
		{"500 etcd leader changed", apierrors.NewInternalError(errors.New("etcdserver: leader changed")), true},
		{"503", apierrors.NewServiceUnavailable("apiserver is shutting down"), true},
		{"504 timeout", apierrors.NewTimeoutError("request timed out", 1), true},
		{"server timeout", apierrors.NewServerTimeout(soResource, "patch", 1), true},
		{"502", apierrors.NewGenericServerResponse(502, "PATCH", soResource, "w", "bad gateway", 0, true), true},
		{"404", apierrors.NewNotFound(soResource, "w"), false},
		{"400", apierrors.NewBadRequest("bad"), false},
		{"422 invalid", apierrors.NewInvalid(schema.GroupKind{Group: "keda.sh", Kind: "ScaledObject"}, "w", nil), false},
		{"403 webhook denied", apierrors.NewForbidden(soResource, "w", errors.New("denied")), false},
		{"409 field conflict", apierrors.NewApplyConflict(nil, "conflict"), false},
		{"deadline", urlError(context.DeadlineExceeded), false},
		{"canceled", context.Canceled, false},
		{"other", errors.New("x509: certificate signed by unknown authority"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsTransient(tc.err); got != tc.want {
				t.Errorf("IsTransient(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func fastRetries(t *testing.T) {
	t.Helper()
	initial, maxDelay := retryInitialDelay, retryMaxDelay
	retryInitialDelay, retryMaxDelay = time.Millisecond, 4*time.Millisecond
	t.Cleanup(func() { retryInitialDelay, retryMaxDelay = initial, maxDelay })
}

func TestWithRetry(t *testing.T) {
	fastRetries(t)
	refused := urlError(os.NewSyscallError("connect", syscall.ECONNREFUSED))
	for _, tc := range []struct {
		name     string
		errs     []error // returned by successive attempts; nil after the list
		always   error   // returned by every attempt, if set
		timeout  time.Duration
		attempts int
		wantErr  string
		retryErr bool
	}{
		{name: "first try", attempts: 1},
		{name: "after transient errors", errs: []error{refused, apierrors.NewServiceUnavailable("restarting"), apierrors.NewInternalError(errors.New("etcdserver: leader changed"))}, attempts: 4},
		{name: "permanent error at once", errs: []error{apierrors.NewBadRequest("bad spec")}, attempts: 1, wantErr: "bad spec"},
		{name: "transient then permanent", errs: []error{refused, apierrors.NewBadRequest("bad spec")}, attempts: 2, wantErr: "bad spec"},
		{name: "gives up at the deadline naming the last cause", always: refused, timeout: 50 * time.Millisecond,
			wantErr: "applying ScaledObject ml/w: gave up after", retryErr: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			calls := 0
			out, err := withRetry(ctx, "applying ScaledObject ml/w", func(context.Context) (int, error) {
				calls++
				if tc.always != nil {
					return 0, tc.always
				}
				if calls <= len(tc.errs) {
					return 0, tc.errs[calls-1]
				}
				return 42, nil
			})
			if tc.attempts > 0 && calls != tc.attempts {
				t.Errorf("attempts = %d, want %d", calls, tc.attempts)
			}
			if tc.wantErr == "" {
				if err != nil || out != 42 {
					t.Fatalf("got %d, %v; want 42, nil", out, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tc.wantErr)
			}
			var re *RetryError
			if errors.As(err, &re) != tc.retryErr {
				t.Fatalf("error %T, RetryError wanted: %v", err, tc.retryErr)
			}
			if tc.retryErr {
				if !strings.Contains(err.Error(), "connection refused") || !errors.Is(err, context.DeadlineExceeded) || calls < 2 {
					t.Errorf("error %q after %d calls: want the last cause, the deadline and several attempts", err, calls)
				}
			}
		})
	}
}

func TestFieldConflicts(t *testing.T) {
	conflictErr := apierrors.NewApplyConflict([]metav1.StatusCause{
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "kubectl-edit" using keda.sh/v1alpha1`, Field: ".spec.maxReplicaCount"},
		{Type: metav1.CauseTypeFieldManagerConflict, Message: `conflict with "hpa-tuner" with subresource "scale" using keda.sh/v1alpha1`, Field: ".spec.minReplicaCount"},
	}, "Apply failed with 2 conflicts")
	for _, tc := range []struct {
		name string
		err  error
		want []FieldConflict
	}{
		{"not an error", nil, nil},
		{"other error", apierrors.NewBadRequest("x"), nil},
		{"update conflict without causes", apierrors.NewConflict(soResource, "w", errors.New("modified")), nil},
		{"apply conflicts", fmt.Errorf("applying: %w", conflictErr), []FieldConflict{
			{Manager: "kubectl-edit", Field: ".spec.maxReplicaCount"}, {Manager: "hpa-tuner", Field: ".spec.minReplicaCount"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := FieldConflicts(tc.err)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	conflicts := FieldConflicts(conflictErr)
	msg := (&ConflictError{Object: "ScaledObject ml/w", Conflicts: conflicts}).Error()
	for _, want := range []string{"ScaledObject ml/w", `hpa-tuner, kubectl-edit`, `.spec.maxReplicaCount (set by "kubectl-edit")`, `field_conflicts = "take_back"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("ConflictError %q does not contain %q", msg, want)
		}
	}
}

func TestStuckDeletionError(t *testing.T) {
	for _, tc := range []struct {
		err  StuckDeletionError
		want []string
	}{
		{StuckDeletionError{Kind: "ScaledObject", Namespace: "ml", Name: "w", Finalizers: []string{"finalizer.keda.sh"}},
			[]string{"ScaledObject ml/w", "finalizer.keda.sh", "KEDA's operator", "kubectl patch scaledobject w -n ml --type=merge"}},
		{StuckDeletionError{Kind: "CustomResourceDefinition", Name: "scaledobjects.keda.sh", Finalizers: []string{"customresourcecleanup.apiextensions.k8s.io"}},
			[]string{"kubectl patch customresourcedefinition scaledobjects.keda.sh --type=merge"}},
		{StuckDeletionError{Kind: "ScaledJob", Namespace: "ml", Name: "b"}, []string{"ScaledJob ml/b", "still there"}},
	} {
		msg := tc.err.Error()
		for _, want := range tc.want {
			if !strings.Contains(msg, want) {
				t.Errorf("%q does not contain %q", msg, want)
			}
		}
	}
}
