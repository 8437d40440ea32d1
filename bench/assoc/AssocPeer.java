// AssocPeer runs Weka's FPGrowth on an ARFF file with the options given and
// prints what the command-line tool keeps to itself: the frequent itemsets it
// mined (FPGrowth has no option to list them) and every rule with its exact
// counts. Lines are tab-separated:
//
//	itemset <count> <items...>
//	rule <premise count> <total count> <premise items...> => <consequent items...>
//
// Items are attribute names. bench/assoc compiles it against weka.jar.
import java.util.Arrays;
import java.util.Collection;

import weka.associations.FPGrowth;
import weka.core.Instances;
import weka.core.converters.ConverterUtils.DataSource;

public class AssocPeer {
  // Miner reads FPGrowth's itemsets (a protected field of protected
  // classes, so only a subclass sees them).
  static class Miner extends FPGrowth {
    String dump() {
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < m_largeItemSets.size(); i++) {
        FrequentBinaryItemSet s = m_largeItemSets.getItemSet(i);
        out.append("itemset\t").append(s.getSupport());
        items(out, s.getItems());
        out.append('\n');
      }
      for (AssociationRule r : getAssociationRules()) {
        out.append("rule\t").append(r.getPremiseSupport()).append('\t').append(r.getTotalSupport());
        items(out, r.getPremise());
        out.append("\t=>");
        items(out, r.getConsequence());
        out.append('\n');
      }
      return out.toString();
    }

    static void items(StringBuilder out, Collection<BinaryItem> items) {
      for (BinaryItem it : items) {
        out.append('\t').append(it.getAttribute().name());
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Instances data = DataSource.read(args[0]);
    Miner m = new Miner();
    m.setOptions(Arrays.copyOfRange(args, 1, args.length));
    m.buildAssociations(data);
    System.out.print(m.dump());
  }
}
