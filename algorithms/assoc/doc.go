// Package assoc mines market baskets: frequent itemsets by FP-growth and
// association rules from them. It is pure computation: baskets of item ids
// in, itemsets and rules out; it knows nothing of SQL or files.
//
// # Items and baskets
//
// Items are dense ids 0..numItems-1 chosen by the caller (the SQL layer
// numbers item names). A basket is a []int32 of item ids; an id listed
// twice in one basket counts once, so a basket is a set. Empty baskets
// count as baskets (they lower every support) and hold no itemset.
//
// # Frequent itemsets
//
// FrequentItemsets is the textbook FP-growth of Han, Pei and Yin (2000):
// one pass counts the items, a second builds the FP-tree of the baskets'
// frequent items ordered by descending frequency, and every itemset is
// found by recursing into conditional FP-trees built from conditional
// pattern bases, without candidate generation. When a (conditional) tree
// is a single path, all combinations of the path are emitted directly.
// The trees keep their nodes in one flat slice indexed by int32 (item,
// count, parent, first child, next sibling, next node of the same item),
// with a header table of per-item node lists; the conditional trees of
// each recursion depth reuse one buffer, so mining allocates little besides
// its output.
//
// An itemset is frequent when its count (baskets holding all its items) is
// at least Options.MinCount. R's arules derives the count from a support
// fraction as ceil(min_support x baskets): MinCountFor does that, guarding
// against floating-point error in the product (0.001 x 9835 gives 10).
// Options.MaxLen bounds the itemset size; Options.MaxItemsets stops a
// threshold so low that the result explodes, with a *LimitError; and
// Options.Check is polled regularly so a long mining can be interrupted.
//
// # Rules
//
// Rules turns the frequent itemsets into rules A => C with A and C
// disjoint, non-empty and A ∪ C frequent. By default C has one item, as in
// arules; RuleOptions.MaxConsequent allows more, as mlxtend does. Each
// rule carries arules' and mlxtend's measures (support, confidence, lift,
// leverage, conviction, Zhang's metric, Jaccard, certainty, Kulczynski,
// representativity), computed with mlxtend's formulas from the counts.
// Rules needs the count of every subset of every itemset, which the output
// of FrequentItemsets always has (every subset of a frequent itemset is
// frequent); it finds them through a hash index over the itemsets.
//
// Thresholds are inclusive, as in arules: a rule is kept when its
// confidence >= MinConfidence and its lift >= MinLift. With
// RuleOptions.PruneRedundant a rule A => C is dropped when a more general
// rule A' => C (A' a non-empty proper subset of A) has at least its
// confidence: arules' is.redundant (improvement <= 0), compared exactly on
// the counts rather than on rounded fractions.
//
// # Cost
//
// FrequentItemsetsStats reports the size of the FP-tree and the peak
// memory of the mining (the tree, the conditional trees alive at once and
// the scratch buffers), so callers can report memory against the tree.
package assoc
