package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	utilnet "k8s.io/apimachinery/pkg/util/net"
)

// Backoff between attempts of one API call. Variables so that tests of the
// policy do not sleep for seconds.
var (
	retryInitialDelay = 200 * time.Millisecond
	retryMaxDelay     = 5 * time.Second
)

// IsTransient reports whether an API error is worth trying again: the API
// server (or the network to it) failed, not the request. Covers a server
// that is restarting or unreachable, rate limiting (429), 5xx answers
// including etcd's leader changes, and timeouts.
func IsTransient(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var starting *startingError
	if errors.As(err, &starting) {
		return true
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		if strings.Contains(status.Status().Message, "failed to create typed patch object") {
			// A 500 that says the apply does not fit the object's schema
			// (a field the CRD does not declare): every retry gets it.
			return false
		}
		code := status.Status().Code
		switch {
		case apierrors.IsTooManyRequests(err), apierrors.IsServerTimeout(err), apierrors.IsTimeout(err),
			apierrors.IsServiceUnavailable(err), apierrors.IsInternalError(err):
			return true
		case code >= 500:
			return true
		}
		return false
	}
	if utilnet.IsConnectionRefused(err) || utilnet.IsConnectionReset(err) || utilnet.IsProbableEOF(err) ||
		utilnet.IsHTTP2ConnectionLost(err) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) && netErr.Timeout() {
		return true
	}
	msg := err.Error()
	for _, s := range []string{"TLS handshake timeout", "server sent GOAWAY", "http2: client connection lost",
		"http2: client connection force closed",
		"use of closed network connection", "connection reset by peer"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// RetryError is the last error of a call that was retried until its
// context ended.
type RetryError struct {
	Op       string // "applying ScaledObject ml/worker"
	Attempts int
	Elapsed  time.Duration
	Last     error
	Ctx      error
}

func (e *RetryError) Error() string {
	return fmt.Sprintf("%s: gave up after %d attempts in %s (%v); last error: %v",
		e.Op, e.Attempts, e.Elapsed.Round(100*time.Millisecond), e.Ctx, e.Last)
}

func (e *RetryError) Unwrap() []error { return []error{e.Last, e.Ctx} }

// withRetry calls call until it succeeds, fails for good, or ctx ends,
// waiting with jittered exponential backoff between transient failures (or
// as long as the server's Retry-After asks). op names the operation and the
// object for the final error.
func withRetry[T any](ctx context.Context, op string, call func(context.Context) (T, error)) (T, error) {
	start := time.Now()
	delay := retryInitialDelay
	var last error
	for attempt := 1; ; attempt++ {
		out, err := call(ctx)
		if err != nil && last != nil && ctx.Err() != nil {
			// The deadline cut this attempt short: the transient error
			// before it is the cause worth reporting.
			return out, &RetryError{Op: op, Attempts: attempt, Elapsed: time.Since(start), Last: last, Ctx: ctx.Err()}
		}
		if err == nil || !IsTransient(err) {
			return out, err
		}
		last = err
		wait := delay/2 + rand.N(delay) //nolint:gosec // jitter needs no cryptographic randomness
		if s, ok := apierrors.SuggestsClientDelay(err); ok && time.Duration(s)*time.Second > wait {
			wait = time.Duration(s) * time.Second
		}
		tflog.Debug(ctx, "transient Kubernetes API error, retrying", map[string]any{
			"operation": op, "attempt": attempt, "retry_in": wait.String(), "error": err.Error(),
		})
		select {
		case <-ctx.Done():
			var zero T
			return zero, &RetryError{Op: op, Attempts: attempt, Elapsed: time.Since(start), Last: err, Ctx: ctx.Err()}
		case <-time.After(wait):
		}
		delay = min(2*delay, retryMaxDelay)
	}
}

// retryErr is withRetry for calls that return only an error.
func retryErr(ctx context.Context, op string, call func(context.Context) error) error {
	_, err := withRetry(ctx, op, func(ctx context.Context) (struct{}, error) { return struct{}{}, call(ctx) })
	return err
}

// startingError is an answer given by an API server that is still starting,
// such as a 404 for a custom resource whose CRD it has not loaded yet.
type startingError struct{ err error }

func (e *startingError) Error() string { return "the API server is still starting: " + e.err.Error() }
func (e *startingError) Unwrap() error { return e.err }

// starting reports whether the API server says it is not ready (/readyz
// fails or it cannot be reached), as in the seconds after a restart. A
// server that does not let us read /readyz is taken to be ready.
func (c *Client) starting(ctx context.Context) bool {
	if c.core == nil {
		return false
	}
	_, err := c.core.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
	return err != nil && IsTransient(err)
}
