//go:build linux

package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuMeter estimates how much CPU other processes used while we measured:
// busy time of the whole machine (/proc/stat) minus this process's own
// (getrusage), over wall time. Benchmarks on a shared machine are only
// comparable when it is near zero.
type cpuMeter struct {
	wall      time.Time
	busy, own float64 // seconds
	ok        bool
}

func startCPU() cpuMeter {
	busy, ok := machineBusy()
	return cpuMeter{wall: time.Now(), busy: busy, own: ownCPU(), ok: ok}
}

// others returns the average number of CPUs other processes kept busy since
// startCPU, or -1 if unknown.
func (m cpuMeter) others() float64 {
	busy, ok := machineBusy()
	wall := time.Since(m.wall).Seconds()
	if !m.ok || !ok || wall <= 0 {
		return -1
	}
	return max(0, ((busy-m.busy)-(ownCPU()-m.own))/wall)
}

// machineBusy is the busy time of all CPUs from /proc/stat, in seconds.
func machineBusy() (float64, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, false
	}
	var busy float64
	for i, s := range f[1:9] { // user nice system idle iowait irq softirq steal
		if i == 3 || i == 4 {
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, false
		}
		busy += v
	}
	return busy / 100, true // USER_HZ is 100 on Linux
}

func ownCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
