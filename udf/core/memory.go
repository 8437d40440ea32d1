package core

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// A training estimates its peak memory from the data and its options
// before it allocates, and refuses above a budget, so that an option such
// as "topics": 100000 is a clear error rather than a process killed by the
// operating system (or a Go runtime abort that takes the host with it).

// MaxOptionsBytes bounds the text of an options argument.
const MaxOptionsBytes = 1 << 20

// MemoryOption is the option every trainer accepts for its budget.
const MemoryOption = "max_memory"

// DefaultMemoryShare is the share of the memory available to the process
// that a training may plan to use by default.
const DefaultMemoryShare = 0.5

var (
	availableOnce sync.Once
	available     int64
	availableFrom string
)

// AvailableMemory returns the memory this process can use, in bytes, and
// what bounds it: the machine's physical memory, a cgroup limit, or the
// address-space limit (ulimit -v), whichever is smallest.
func AvailableMemory() (int64, string) {
	availableOnce.Do(func() {
		available, availableFrom = math.MaxInt64, "unknown"
		if n := memTotal(); n > 0 {
			available, availableFrom = n, "this machine's memory"
		}
		for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
			if b, err := os.ReadFile(f); err == nil {
				if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && n < available {
					available, availableFrom = n, "the cgroup's memory limit"
				}
			}
		}
		var r syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_AS, &r); err == nil && r.Cur != math.MaxUint64 && r.Cur < uint64(math.MaxInt64) {
			// The Go runtime and the C library reserve address space before
			// any work (about 1.3 GB in the shell): only the rest is there.
			left := int64(r.Cur) - vmSize()
			if left < available {
				available, availableFrom = max(left, 0), "the address space left under ulimit -v"
			}
		}
	})
	return available, availableFrom
}

// vmSize returns the address space the process has reserved, in bytes.
func vmSize() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmSize:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func memTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kb, _ := strconv.ParseInt(fields[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// Budget is the memory a training may plan to use.
type Budget struct {
	Bytes int64
	Given bool // set with "max_memory" rather than the default
}

// MemoryBudget reads the "max_memory" option: a number of bytes, or text
// with a unit ("512MB", "2GB", "1.5GiB"). Its default is DefaultMemoryShare
// of AvailableMemory.
func (o *Options) MemoryBudget() Budget {
	avail, _ := AvailableMemory()
	def := Budget{Bytes: int64(float64(avail) * DefaultMemoryShare)}
	if !o.Has(MemoryOption) {
		return def
	}
	raw := strings.TrimSpace(string(o.values[MemoryOption]))
	if strings.HasPrefix(raw, `"`) {
		raw = strings.Trim(raw, `"`)
	}
	n, ok := ParseBytes(raw)
	if !ok || n <= 0 {
		o.fail(MemoryOption, `a positive number of bytes or a size such as "512MB" or "2GB"`)
		return def
	}
	return Budget{Bytes: n, Given: true}
}

// ParseBytes reads a size: a number of bytes, or a number followed by B,
// KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024).
func ParseBytes(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	i := len(s)
	for i > 0 && (s[i-1] < '0' || s[i-1] > '9') && s[i-1] != '.' {
		i--
	}
	num, unit := strings.TrimSpace(s[:i]), strings.ToUpper(strings.TrimSpace(s[i:]))
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	mult := map[string]float64{"": 1, "B": 1, "KB": 1e3, "MB": 1e6, "GB": 1e9, "TB": 1e12,
		"KIB": 1 << 10, "MIB": 1 << 20, "GIB": 1 << 30, "TIB": 1 << 40}[unit]
	if mult == 0 || f*mult >= math.MaxInt64 {
		return 0, false
	}
	return int64(f * mult), true
}

// FormatBytes writes a size for people: "7.5 GB", "512 MB", "900 B".
func FormatBytes(n int64) string {
	switch f := float64(n); {
	case f >= 1e12:
		return fmt.Sprintf("%.1f TB", f/1e12)
	case f >= 1e9:
		return fmt.Sprintf("%.1f GB", f/1e9)
	case f >= 1e6:
		return fmt.Sprintf("%.0f MB", f/1e6)
	case f >= 1e3:
		return fmt.Sprintf("%.0f kB", f/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// Check refuses a training of fn whose estimated peak need (bytes) is over
// the budget. how says what the estimate counts ("100000 topics × 9,400
// words × 8 bytes × 3 arrays"), lower which options or data to reduce. The
// error names both, and where the budget comes from.
func (b Budget) Check(fn string, need int64, how, lower string) error {
	if need <= b.Bytes {
		return nil
	}
	source := fmt.Sprintf("set with %q", MemoryOption)
	if !b.Given {
		avail, from := AvailableMemory()
		source = fmt.Sprintf("by default %.0f%% of %s, %s; option %q", DefaultMemoryShare*100, from, FormatBytes(avail), MemoryOption)
	}
	return Errorf(fn, "this training would need about %s of memory (%s), more than its budget of %s (%s); lower %s, or raise %q if the memory is there",
		FormatBytes(need), how, FormatBytes(b.Bytes), source, lower, MemoryOption)
}
