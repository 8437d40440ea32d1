package assoc_test

import (
	"fmt"

	"github.com/seed-a084b42d/marketsql/algorithms/assoc"
)

func Example() {
	names := []string{"bread", "butter", "milk", "beer"}
	baskets := [][]int32{
		{0, 1, 2}, // bread, butter, milk
		{0, 1},
		{0, 2},
		{0, 1, 2},
		{3},
	}
	// arules' threshold: an itemset is frequent in at least
	// ceil(0.4 x 5) = 2 baskets.
	minCount := assoc.MinCountFor(0.4, len(baskets))
	sets, err := assoc.FrequentItemsets(baskets, len(names), assoc.Options{MinCount: minCount})
	if err != nil {
		panic(err)
	}
	for _, s := range sets {
		fmt.Println(s.Items, s.Count)
	}
	rules, err := assoc.Rules(sets, len(baskets), assoc.RuleOptions{MinConfidence: 0.7})
	if err != nil {
		panic(err)
	}
	for _, r := range rules {
		fmt.Printf("%v => %v  support %.1f  confidence %.2f  lift %.3f\n",
			r.Antecedent, r.Consequent, r.Support, r.Confidence, r.Lift)
	}
	// Output:
	// [0] 4
	// [1] 3
	// [2] 3
	// [0 1] 3
	// [0 2] 3
	// [1 2] 2
	// [0 1 2] 2
	// [1] => [0]  support 0.6  confidence 1.00  lift 1.250
	// [2] => [0]  support 0.6  confidence 1.00  lift 1.250
	// [1 2] => [0]  support 0.4  confidence 1.00  lift 1.250
	// [0] => [1]  support 0.6  confidence 0.75  lift 1.250
	// [0] => [2]  support 0.6  confidence 0.75  lift 1.250
}
