//go:build amd64 && !amd64.v3

package clv

// exactFloat: this build does not fuse multiply-adds (amd64 below v3), so
// reordered code that performs the same operations gives the same bits.
const exactFloat = true
