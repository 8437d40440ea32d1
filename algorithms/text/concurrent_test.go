package text

import (
	"strings"
	"sync"
	"testing"
)

// TestConcurrentUse tokenizes Chinese and English text from several
// goroutines at once (connections share the loaded dictionary).
func TestConcurrentUse(t *testing.T) {
	tk, _ := New(defaultsWith(func(o *Options) { o.UserWords = []string{"送餐"} }))
	want := strings.Join(tk.Tokens("送餐速度太慢了，米饭都凉了 chocolate cookies"), " ")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if got := strings.Join(tk.Tokens("送餐速度太慢了，米饭都凉了 chocolate cookies"), " "); got != want {
					t.Errorf("got %q, want %q", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
