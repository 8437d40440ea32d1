package core

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// TestCallContext: the context a call hands its algorithms reports the Go
// API context's error or an interrupt, keeps reporting it, polls SQLite at
// most once per pollInterval, and its errors read well through TrainError.
func TestCallContext(t *testing.T) {
	t.Parallel()
	newCtx := func(parent context.Context, interrupted *bool, polls *int) (*callContext, *fakeClock) {
		clock := &fakeClock{t: time.Unix(1000, 0)}
		return &callContext{Context: parent, now: clock.now, interrupted: func() bool {
			*polls++
			return *interrupted
		}}, clock
	}

	t.Run("interrupt", func(t *testing.T) {
		t.Parallel()
		var interrupted bool
		var polls int
		ctx, clock := newCtx(context.Background(), &interrupted, &polls)
		if err := ctx.Err(); err != nil || polls != 1 {
			t.Fatalf("first Err: %v after %d polls; want nil after 1", err, polls)
		}
		if ctx.Done() != nil {
			t.Error("Done of a plain SQL call's context is not nil")
		}
		interrupted = true
		clock.t = clock.t.Add(pollInterval / 2)
		if err := ctx.Err(); err != nil || polls != 1 {
			t.Errorf("Err within the poll interval: %v after %d polls; want nil, no new poll", err, polls)
		}
		clock.t = clock.t.Add(pollInterval)
		err := ctx.Err()
		if !errors.Is(err, ErrInterrupted) || polls != 2 {
			t.Fatalf("Err after the interval: %v after %d polls; want ErrInterrupted after 2", err, polls)
		}
		interrupted = false // SQLite clears the flag when the statement ends
		clock.t = clock.t.Add(time.Second)
		if err := ctx.Err(); !errors.Is(err, ErrInterrupted) || polls != 2 {
			t.Errorf("Err once interrupted: %v after %d polls; want ErrInterrupted, no new poll", err, polls)
		}
		wrapped := TrainError("kmeans_train", fmt.Errorf("kmeans: %w", err), true)
		if got, want := wrapped.Error(), "kmeans_train: interrupted; the previous model, if any, is unchanged"; got != want || !errors.Is(wrapped, ErrInterrupted) {
			t.Errorf("TrainError: %q (errors.Is ErrInterrupted: %v); want %q", got, errors.Is(wrapped, ErrInterrupted), want)
		}
	})

	t.Run("cancel", func(t *testing.T) {
		t.Parallel()
		var interrupted bool
		var polls int
		parent, cancel := context.WithCancel(context.Background())
		ctx, _ := newCtx(parent, &interrupted, &polls)
		if ctx.Done() != parent.Done() {
			t.Error("Done is not the Go API context's Done channel")
		}
		if err := ctx.Err(); err != nil {
			t.Fatal(err)
		}
		cancel()
		// No time has passed: the Go context is still seen at once.
		if err := ctx.Err(); !errors.Is(err, context.Canceled) {
			t.Fatalf("Err after cancel: %v, want context.Canceled", err)
		}
		if got := TrainError("lda_train", ctx.Err(), true).Error(); got != "lda_train: interrupted; the previous model, if any, is unchanged" {
			t.Errorf("TrainError: %q", got)
		}
	})

	t.Run("deadline", func(t *testing.T) {
		t.Parallel()
		var interrupted bool
		var polls int
		parent, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		defer cancel()
		ctx, _ := newCtx(parent, &interrupted, &polls)
		if _, ok := ctx.Deadline(); !ok {
			t.Error("the Go API context's deadline is lost")
		}
		err := ctx.Err()
		if !errors.Is(err, context.DeadlineExceeded) || polls != 0 {
			t.Fatalf("Err past the deadline: %v after %d polls; want context.DeadlineExceeded before any poll", err, polls)
		}
		if got := TrainError("recommend_eval", err, false).Error(); got != "recommend_eval: deadline exceeded" {
			t.Errorf("TrainError: %q", got)
		}
	})
}
