package pmml_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/seed-a084b42d/marketsql/interop/pmml"
)

func ExampleWrite() {
	m := &pmml.KMeans{
		ModelName: "segments",
		Fields:    []string{"recency", "monetary"},
		Centers:   [][]float64{{12.5, 830}, {240, 95.25}},
		Names:     []string{"active", "lapsed"},
		Sizes:     []int64{310, 95},
	}
	if err := pmml.Write(os.Stdout, m); err != nil {
		fmt.Println(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <PMML xmlns="http://www.dmg.org/PMML-4_4" version="4.4">
	//   <Header>
	//     <Application name="marketsql"/>
	//   </Header>
	//   <DataDictionary numberOfFields="2">
	//     <DataField name="recency" optype="continuous" dataType="double"/>
	//     <DataField name="monetary" optype="continuous" dataType="double"/>
	//   </DataDictionary>
	//   <ClusteringModel modelName="segments" functionName="clustering" modelClass="centerBased" numberOfClusters="2">
	//     <MiningSchema>
	//       <MiningField name="recency" usageType="active"/>
	//       <MiningField name="monetary" usageType="active"/>
	//     </MiningSchema>
	//     <Output>
	//       <OutputField name="predictedValue" optype="categorical" dataType="string" feature="predictedValue"/>
	//       <OutputField name="clusterAffinity_1" optype="continuous" dataType="double" feature="clusterAffinity" value="1"/>
	//       <OutputField name="clusterAffinity_2" optype="continuous" dataType="double" feature="clusterAffinity" value="2"/>
	//     </Output>
	//     <ComparisonMeasure kind="distance">
	//       <squaredEuclidean/>
	//     </ComparisonMeasure>
	//     <ClusteringField field="recency" compareFunction="absDiff"/>
	//     <ClusteringField field="monetary" compareFunction="absDiff"/>
	//     <Cluster id="1" name="active" size="310">
	//       <Array n="2" type="real">12.5 830</Array>
	//     </Cluster>
	//     <Cluster id="2" name="lapsed" size="95">
	//       <Array n="2" type="real">240 95.25</Array>
	//     </Cluster>
	//   </ClusteringModel>
	// </PMML>
}

func ExampleRead() {
	doc := `<PMML version="4.2" xmlns="http://www.dmg.org/PMML-4_2">
  <DataDictionary>
    <DataField name="field_0" optype="continuous" dataType="double"/>
    <DataField name="field_1" optype="continuous" dataType="double"/>
  </DataDictionary>
  <ClusteringModel modelName="k-means" functionName="clustering" modelClass="centerBased" numberOfClusters="2">
    <MiningSchema>
      <MiningField name="field_0" usageType="active"/>
      <MiningField name="field_1" usageType="active"/>
    </MiningSchema>
    <ComparisonMeasure kind="distance"><squaredEuclidean/></ComparisonMeasure>
    <ClusteringField field="field_0" compareFunction="absDiff"/>
    <ClusteringField field="field_1" compareFunction="absDiff"/>
    <Cluster name="cluster_0"><Array type="real" n="2">0 0</Array></Cluster>
    <Cluster name="cluster_1"><Array type="real" n="2">10 10</Array></Cluster>
  </ClusteringModel>
</PMML>`
	m, err := pmml.Read(strings.NewReader(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	j, d := m.Assign([]float64{9, 8})
	fmt.Println(m.Fields, m.IDs[j], d)

	_, err = pmml.Read(strings.NewReader(strings.ReplaceAll(doc, "squaredEuclidean", "cityBlock")))
	fmt.Println(err)
	// Output:
	// [field_0 field_1] cluster_1 5
	// pmml: comparison measure "cityBlock" is not supported; only euclidean and squaredEuclidean are
}
