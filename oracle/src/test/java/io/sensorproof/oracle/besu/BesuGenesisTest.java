package io.sensorproof.oracle.besu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.oracle.testing.AnvilExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.rlp.RlpDecoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;
import org.web3j.utils.Numeric;

/**
 * Checks {@code deploy/besu/} (the consortium's QBFT network, which cannot run on the build
 * machines) against itself and against the compiled contracts: chain id, gas limit, QBFT timing,
 * the validators RLP-encoded in {@code extraData}, the node and account allowlists, and that the
 * genesis milestones activate the EVM version our contracts are compiled for.
 */
class BesuGenesisTest {
    /** Chain ids of local development chains (Ganache/Geth dev 1337, Hardhat/anvil 31337) and mainnet. */
    private static final Set<Long> RESERVED_CHAIN_IDS = Set.of(1L, 1337L, 31337L);

    /**
     * The heaviest transaction we assume on the consortium chain: a freeze with k = 3 devices of three
     * chained run claims each (9 claims read and marked used, well under 1.5M gas), or the deployment
     * of our largest contract (bounded per contract below). 10M leaves room for both with margin.
     */
    private static final long HEAVIEST_TRANSACTION_GAS = 10_000_000L;

    /** EIP-3860 (Shanghai): the largest init code a creation transaction may carry. */
    private static final int MAX_INITCODE_BYTES = 49_152;

    /**
     * The genesis milestones that must be active for each solc {@code evmVersion}, cumulatively. Paris
     * (the merge) changes no opcode a QBFT chain needs a milestone for (DIFFICULTY became PREVRANDAO;
     * Besu has no Paris block for BFT chains), so it adds none.
     */
    private static final Map<String, List<String>> MILESTONES_BY_EVM_VERSION = milestones();

    private static Path besu;
    private static JsonNode genesis;
    private static List<String> committedValidators;

    @BeforeAll
    static void load() throws IOException {
        besu = Path.of(System.getProperty("repo.root", "..")).resolve("deploy/besu").toAbsolutePath().normalize();
        ObjectMapper json = new ObjectMapper();
        genesis = json.readTree(besu.resolve("genesis.json").toFile());
        committedValidators = new ArrayList<>();
        json.readTree(besu.resolve("validators.json").toFile()).forEach(v -> committedValidators.add(v.asText().toLowerCase()));
    }

    @Test
    void chainIdIsNotADevelopmentChain() {
        long chainId = genesis.path("config").path("chainId").asLong(-1);
        assertThat(chainId).isPositive();
        assertThat(RESERVED_CHAIN_IDS).doesNotContain(chainId);
    }

    @Test
    void gasLimitFitsTheHeaviestTransactionAndEveryContractCreation() {
        long gasLimit = Numeric.decodeQuantity(genesis.path("gasLimit").asText()).longValueExact();
        assertThat(gasLimit).isGreaterThanOrEqualTo(HEAVIEST_TRANSACTION_GAS);
        compiledContracts().path("contracts").properties().forEach(e -> {
            int initcode = e.getValue().path("bin").asText().length() / 2;
            assertThat(initcode).as("init code of %s", e.getKey()).isLessThanOrEqualTo(MAX_INITCODE_BYTES);
            // creation upper bound: base + creation (53,000), 16 gas per calldata byte, init code words
            // (EIP-3860), 200 gas per deposited runtime byte (runtime <= init code), 2M for the constructor
            long creation = 53_000L + 16L * initcode + 2L * ((initcode + 31) / 32) + 200L * initcode + 2_000_000L;
            assertThat(creation).as("creation bound of %s", e.getKey()).isLessThanOrEqualTo(gasLimit);
        });
    }

    @Test
    void usesQbftWithATwoSecondBlockPeriod() {
        JsonNode config = genesis.path("config");
        JsonNode qbft = config.path("qbft");
        assertThat(qbft.path("blockperiodseconds").asInt()).isEqualTo(2);
        assertThat(qbft.path("requesttimeoutseconds").asInt()).isGreaterThanOrEqualTo(2 * qbft.path("blockperiodseconds").asInt());
        assertThat(qbft.path("epochlength").asLong()).isPositive();
        for (String otherConsensus : List.of("ibft2", "clique", "ethash")) {
            assertThat(config.has(otherConsensus)).as(otherConsensus).isFalse();
        }
    }

    @Test
    void extraDataEncodesExactlyTheCommittedValidatorsWithNoVoteRoundZeroAndNoSeals() {
        RlpList extra = (RlpList) RlpDecoder.decode(Numeric.hexStringToByteArray(genesis.path("extraData").asText())).getValues().get(0);
        List<RlpType> items = extra.getValues();
        assertThat(items).hasSize(5);
        assertThat(((RlpString) items.get(0)).getBytes()).hasSize(32);
        List<String> validators = ((RlpList) items.get(1)).getValues().stream()
                .map(v -> Numeric.toHexString(((RlpString) v).getBytes()))
                .toList();
        assertThat(validators).hasSize(4).doesNotHaveDuplicates().isEqualTo(committedValidators);
        assertThat(((RlpList) items.get(2)).getValues()).as("vote").isEmpty();
        assertThat(((RlpString) items.get(3)).asPositiveBigInteger()).as("round").isEqualTo(BigInteger.ZERO);
        assertThat(((RlpString) items.get(3)).getBytes()).as("round as RLP scalar 0 (0x80)").isEmpty();
        assertThat(((RlpList) items.get(4)).getValues()).as("seals").isEmpty();
    }

    @Test
    void nodeKeysAndTheNodeAllowlistBelongToTheValidators() throws IOException {
        List<String> fromKeys = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            String pub = Files.readString(besu.resolve("nodes/validator" + i + "/key.pub")).trim();
            fromKeys.add(addressOf(pub));
        }
        assertThat(fromKeys).isEqualTo(committedValidators);

        String permissions = Files.readString(besu.resolve("permissions_config.toml"));
        List<String> allowlist = tomlStrings(permissions, "nodes-allowlist");
        assertThat(allowlist.stream().map(BesuGenesisTest::enodeAddress).toList()).isEqualTo(committedValidators);

        for (int i = 1; i <= 4; i++) {
            String config = Files.readString(besu.resolve("nodes/validator" + i + "/config.toml"));
            String own = allowlist.get(i - 1);
            assertThat(own).endsWith("@" + tomlString(config, "p2p-host") + ":" + tomlValue(config, "p2p-port"));
            List<String> bootnodes = tomlStrings(config, "bootnodes");
            assertThat(bootnodes).hasSize(3).doesNotContain(own);
            assertThat(allowlist).containsAll(bootnodes);
        }
    }

    @Test
    void nodeConfigsEnableRpcPermissioningAndFreeGasAsTheGenesisDoes() throws IOException {
        assertThat(genesis.path("config").path("zeroBaseFee").asBoolean()).isTrue();
        for (int i = 1; i <= 4; i++) {
            String config = Files.readString(besu.resolve("nodes/validator" + i + "/config.toml"));
            assertThat(tomlValue(config, "min-gas-price")).as("validator%d min-gas-price", i).isEqualTo("0");
            assertThat(tomlValue(config, "rpc-http-enabled")).isEqualTo("true");
            assertThat(tomlStrings(config, "rpc-http-api")).contains("ETH", "NET", "QBFT", "PERM");
            assertThat(tomlValue(config, "permissions-nodes-config-file-enabled")).isEqualTo("true");
            assertThat(tomlValue(config, "permissions-accounts-config-file-enabled")).isEqualTo("true");
            assertThat(tomlString(config, "permissions-nodes-config-file")).endsWith("permissions_config.toml");
            assertThat(tomlString(config, "permissions-accounts-config-file")).endsWith("permissions_config.toml");
        }
    }

    @Test
    void accountAllowlistHoldsOnlyRealAddressesNeverTheDevelopmentAccounts() throws IOException {
        List<String> accounts = tomlStrings(Files.readString(besu.resolve("permissions_config.toml")), "accounts-allowlist");
        assertThat(accounts).isNotEmpty().doesNotHaveDuplicates().allMatch(a -> a.matches("0x[0-9a-f]{40}"));
        Set<String> devAccounts = AnvilExtension.DEV_KEYS.stream()
                .map(k -> Credentials.create(k).getAddress().toLowerCase())
                .collect(Collectors.toSet());
        assertThat(accounts).doesNotContainAnyElementsOf(devAccounts);
        assertThat(accounts).doesNotContainAnyElementsOf(committedValidators);
    }

    @Test
    void noPrivateKeyIsCommitted() throws IOException {
        try (Stream<Path> files = Files.walk(besu)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .noneMatch(name -> name.equals("key") || name.endsWith(".key") || name.contains("priv"));
        }
    }

    @Test
    void genesisActivatesTheEvmVersionOurContractsAreCompiledFor() {
        String evmVersion = compiledContracts().path("evmVersion").asText();
        assertThat(MILESTONES_BY_EVM_VERSION).as("EVM versions this genesis can support").containsKey(evmVersion);
        JsonNode config = genesis.path("config");
        for (String milestone : MILESTONES_BY_EVM_VERSION.get(evmVersion)) {
            assertThat(config.has(milestone)).as("milestone %s", milestone).isTrue();
            assertThat(config.path(milestone).asLong(-1)).as("milestone %s at genesis", milestone).isZero();
        }
    }

    private static Map<String, List<String>> milestones() {
        Map<String, List<String>> map = new LinkedHashMap<>();
        List<String> cumulative = new ArrayList<>();
        String[][] steps = {
            {"homestead", "homesteadBlock"},
            {"tangerineWhistle", "eip150Block"},
            {"spuriousDragon", "eip155Block", "eip158Block"},
            {"byzantium", "byzantiumBlock"},
            {"constantinople", "constantinopleBlock"},
            {"petersburg", "petersburgBlock"},
            {"istanbul", "istanbulBlock"},
            {"berlin", "berlinBlock"},
            {"london", "londonBlock"},
            {"paris"},
            {"shanghai", "shanghaiTime"},
            {"cancun", "cancunTime"},
            {"prague", "pragueTime"},
            {"osaka", "osakaTime"},
        };
        for (String[] step : steps) {
            cumulative.addAll(List.of(step).subList(1, step.length));
            map.put(step[0], List.copyOf(cumulative));
        }
        return map;
    }

    private static JsonNode compiledContracts() {
        try (InputStream in = BesuGenesisTest.class.getResourceAsStream("/io/sensorproof/oracle/contracts.json")) {
            assertThat(in).as("contracts.json of the oracle build").isNotNull();
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String addressOf(String publicKeyHex) {
        assertThat(publicKeyHex).matches("0x[0-9a-f]{128}");
        return "0x" + Keys.getAddress(Numeric.toBigInt(publicKeyHex));
    }

    private static String enodeAddress(String enode) {
        Matcher m = Pattern.compile("enode://([0-9a-f]{128})@[0-9.]+:\\d+").matcher(enode);
        assertThat(m.matches()).as("enode %s", enode).isTrue();
        return addressOf("0x" + m.group(1));
    }

    // The few TOML keys read here are flat `key=value` or `key=[ "…", … ]` lines as Besu writes them;
    // no TOML parser is on the oracle module's test classpath (jackson-dataformat-toml is not resolvable here).
    private static String tomlValue(String toml, String key) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "\\s*=\\s*(\\S+)\\s*$").matcher(toml);
        assertThat(m.find()).as("key %s", key).isTrue();
        return m.group(1);
    }

    private static String tomlString(String toml, String key) {
        String value = tomlValue(toml, key);
        assertThat(value).as("%s is a string", key).startsWith("\"").endsWith("\"");
        return value.substring(1, value.length() - 1);
    }

    private static List<String> tomlStrings(String toml, String key) {
        Matcher m = Pattern.compile("(?ms)^" + Pattern.quote(key) + "\\s*=\\s*\\[(.*?)]").matcher(toml);
        assertThat(m.find()).as("array %s", key).isTrue();
        List<String> values = new ArrayList<>();
        Matcher s = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
        while (s.find()) {
            values.add(s.group(1));
        }
        return values;
    }
}
