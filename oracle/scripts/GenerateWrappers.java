import java.io.File;
import java.util.Arrays;
import org.web3j.codegen.SolidityFunctionWrapperGenerator;

/**
 * Build step (run by oracle/pom.xml as a single-file Java program): one web3j wrapper per contract
 * that compile-contracts.mjs wrote as {@code <Name>.abi} + {@code <Name>.bin}, with org.web3j:codegen,
 * so no wrapper is written or edited by hand.
 *
 * <pre>java -cp CODEGEN_CLASSPATH GenerateWrappers.java CONTRACTS_DIR OUT_DIR PACKAGE</pre>
 */
public final class GenerateWrappers {
    public static void main(String[] args) throws Exception {
        File contracts = new File(args[0]);
        File out = new File(args[1]);
        String pkg = args[2];
        File[] bins = contracts.listFiles((dir, name) -> name.endsWith(".bin"));
        if (bins == null || bins.length == 0) {
            throw new IllegalStateException("no compiled contracts in " + contracts);
        }
        Arrays.sort(bins);
        for (File bin : bins) {
            String name = bin.getName().substring(0, bin.getName().length() - ".bin".length());
            File abi = new File(contracts, name + ".abi");
            // useJavaNativeTypes = true (BigInteger, String, List), primitives off, address length 20
            new SolidityFunctionWrapperGenerator(bin, abi, out, name, pkg, true, false, 20).generate();
        }
    }
}
