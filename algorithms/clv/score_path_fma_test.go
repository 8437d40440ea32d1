//go:build !amd64 || amd64.v3

package clv

// exactFloat: this build may fuse multiply-adds, differently in differently
// shaped code, so results agree to rounding rather than bit for bit.
const exactFloat = false
