// Package pmml reads and writes k-means models as PMML documents: the
// ClusteringModel of the Predictive Model Markup Language with
// modelClass="centerBased", the form in which R (pmml, Rattle), Apache Spark
// (mllib KMeansPMMLModelExport), KNIME and others export k-means.
//
// Read accepts PMML 3.x and 4.x (elements are matched by local name, so every
// PMML namespace works) and supports exactly what a k-means model needs:
// continuous numeric DataFields used directly as clustering fields, the
// euclidean or squaredEuclidean measure with compareFunction absDiff and unit
// field weights, and one dense Array (or REAL-/INT-SparseArray) centre per
// Cluster. Anything that would change the scores and is not implemented
// (other measures, field weights, transformations, categorical fields,
// distribution-based models) is an error that names what was found and says
// what is supported, never a silently different model.
//
// Write produces a PMML 4.4 document that Read, and other PMML consumers,
// read back to the same centres bit for bit.
//
// The package uses only the standard library and knows nothing of SQL.
package pmml
