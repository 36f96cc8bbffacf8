package io.sensorproof.sim.scenario;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sensorproof.protocol.ids.Identifiers;
import io.sensorproof.protocol.senml.Quantity;
import io.sensorproof.sim.SimError;
import io.sensorproof.sim.SimException;
import io.sensorproof.sim.model.ColdRoomModel;
import io.sensorproof.sim.model.FactoryStackModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a scenario from JSON (Jackson tree model) and checks it strictly: unknown fields, wrong
 * types, unknown devices in faults and impossible values are refused with
 * {@link SimError#SCENARIO_INVALID} and the JSON path of the problem.
 */
public final class ScenarioParser {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> TOP = Set.of("name", "seed", "start", "duration", "tick", "speed", "tenant", "agent", "devices", "faults");
    private static final Set<String> AGENT = Set.of("packMaxRecords", "packMaxAgeMillis", "ackTimeoutMillis");
    private static final Set<String> COLD_ROOM = Set.of("prefix", "count", "model", "setpoint", "band", "ambient", "leakPerHour",
            "coolingPerHour", "doorOpeningsPerHour", "defrostEveryHours", "defrostMinutes");
    private static final Set<String> STACK = Set.of("prefix", "count", "model", "kgPerHour", "interval", "processChange", "factorAfter",
            "registerAtStart");
    private static final Set<String> FAULT = Set.of("type", "device", "at", "duration", "quantity", "delta", "offset", "count", "toDevice");

    private ScenarioParser() {
    }

    /** Reads and checks a scenario file. */
    public static Scenario read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new SimException(SimError.SCENARIO_INVALID, "cannot read scenario " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses and checks scenario JSON. */
    public static Scenario parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw invalid("$", "not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid("$", "a scenario is a JSON object");
        }
        onlyFields(root, TOP, "$");
        String name = text(root, "name", "$", Optional.of("scenario"));
        long seed = root.has("seed") ? integer(root, "seed", "$") : 1;
        Instant start = instant(root, "start", "$", Optional.of(Instant.parse("2026-01-05T00:00:00Z")));
        Duration duration = duration(root, "duration", "$", Optional.empty());
        Duration tick = duration(root, "tick", "$", Optional.of(Duration.ofMinutes(1)));
        if (duration.isNegative() || duration.isZero() || tick.isNegative() || tick.isZero() || tick.toMillis() < 1) {
            throw invalid("$.duration", "duration and tick must be positive");
        }
        if (duration.toMillis() % tick.toMillis() != 0) {
            throw invalid("$.duration", "duration must be a whole number of ticks");
        }
        double speed = root.has("speed") ? number(root, "speed", "$") : 0;
        if (speed < 0) {
            throw invalid("$.speed", "speed is simulated time per wall time, 0 (as fast as possible) or more");
        }
        String tenant = text(root, "tenant", "$", Optional.of("sim"));
        if (!Identifiers.isValid(tenant)) {
            throw invalid("$.tenant", "tenant id must be 1-31 of a-z 0-9 . _ -");
        }
        AgentSettings agent = agent(root.get("agent"));

        JsonNode groups = root.get("devices");
        if (groups == null || !groups.isArray() || groups.isEmpty()) {
            throw invalid("$.devices", "at least one device group is required");
        }
        List<DeviceSpec> devices = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int g = 0; g < groups.size(); g++) {
            String path = "$.devices[" + g + "]";
            JsonNode group = groups.get(g);
            if (!group.isObject()) {
                throw invalid(path, "a device group is an object");
            }
            String model = text(group, "model", path, Optional.empty());
            ModelSpec spec = switch (model) {
                case "cold-room" -> coldRoom(group, path);
                case "factory-stack" -> factoryStack(group, path, start);
                default -> throw invalid(path + ".model", "unknown model '" + model + "'; cold-room or factory-stack");
            };
            String prefix = text(group, "prefix", path, Optional.of(model));
            long count = group.has("count") ? integer(group, "count", path) : 1;
            if (count < 1 || count > 100_000) {
                throw invalid(path + ".count", "count must be 1..100000");
            }
            for (int i = 1; i <= count; i++) {
                String id = prefix + "-" + i;
                if (!Identifiers.isValid(id)) {
                    throw invalid(path + ".prefix", "device id '" + id + "' is not 1-31 of a-z 0-9 . _ -");
                }
                if (!ids.add(id)) {
                    throw invalid(path + ".prefix", "device id '" + id + "' appears twice");
                }
                devices.add(new DeviceSpec(id, devices.size(), spec));
            }
        }

        List<Fault> faults = new ArrayList<>();
        JsonNode list = root.get("faults");
        if (list != null) {
            if (!list.isArray()) {
                throw invalid("$.faults", "faults is an array");
            }
            for (int i = 0; i < list.size(); i++) {
                faults.add(fault(list.get(i), "$.faults[" + i + "]", ids, duration));
            }
        }
        return new Scenario(name, seed, start, duration, tick, speed, tenant, agent, devices, faults);
    }

    private static AgentSettings agent(JsonNode node) {
        if (node == null) {
            return AgentSettings.DEFAULT;
        }
        String path = "$.agent";
        if (!node.isObject()) {
            throw invalid(path, "agent is an object");
        }
        onlyFields(node, AGENT, path);
        AgentSettings d = AgentSettings.DEFAULT;
        int records = node.has("packMaxRecords") ? (int) integer(node, "packMaxRecords", path) : d.packMaxRecords();
        long age = node.has("packMaxAgeMillis") ? integer(node, "packMaxAgeMillis", path) : d.packMaxAgeMillis();
        long ack = node.has("ackTimeoutMillis") ? integer(node, "ackTimeoutMillis", path) : d.ackTimeoutMillis();
        if (records < 1 || records > 256 || age < 1 || ack < 100) {
            throw invalid(path, "packMaxRecords 1..256, packMaxAgeMillis ≥ 1, ackTimeoutMillis ≥ 100");
        }
        return new AgentSettings(records, age, ack);
    }

    private static ModelSpec coldRoom(JsonNode g, String path) {
        onlyFields(g, COLD_ROOM, path);
        ColdRoomModel.Parameters d = ColdRoomModel.Parameters.DEFAULT;
        ColdRoomModel.Parameters p = new ColdRoomModel.Parameters(num(g, "setpoint", path, d.setpoint()), num(g, "band", path, d.band()),
                num(g, "ambient", path, d.ambient()), num(g, "leakPerHour", path, d.leakPerHour()),
                num(g, "coolingPerHour", path, d.coolingPerHour()), num(g, "doorOpeningsPerHour", path, d.doorOpeningsPerHour()),
                num(g, "defrostEveryHours", path, d.defrostEveryHours()), num(g, "defrostMinutes", path, d.defrostMinutes()));
        if (p.band() <= 0 || p.leakPerHour() < 0 || p.coolingPerHour() < 0 || p.doorOpeningsPerHour() < 0 || p.defrostEveryHours() < 0
                || p.defrostMinutes() < 0) {
            throw invalid(path, "band must be positive; rates and defrost settings not negative");
        }
        return new ModelSpec.ColdRoom(p);
    }

    private static ModelSpec factoryStack(JsonNode g, String path, Instant start) {
        onlyFields(g, STACK, path);
        FactoryStackModel.Parameters d = FactoryStackModel.Parameters.DEFAULT;
        Duration interval = duration(g, "interval", path, Optional.of(Duration.ofMillis(d.intervalMillis())));
        long change = g.has("processChange") ? instant(g, "processChange", path, Optional.empty()).toEpochMilli() : d.processChangeMillis();
        FactoryStackModel.Parameters p = new FactoryStackModel.Parameters(num(g, "kgPerHour", path, d.kgPerHourAtFullLoad()),
                interval.toMillis(), change, num(g, "factorAfter", path, d.factorAfter()),
                (long) num(g, "registerAtStart", path, d.registerAtStartGrams()));
        if (p.kgPerHourAtFullLoad() < 0 || p.intervalMillis() < 1 || p.factorAfter() < 0) {
            throw invalid(path, "kgPerHour and factorAfter must not be negative, interval positive");
        }
        double registerAtStart = num(g, "registerAtStart", path, 0);
        if (registerAtStart < 0 || registerAtStart > 1e15 || registerAtStart != Math.rint(registerAtStart)) {
            throw invalid(path + ".registerAtStart", "must be whole grams in [0, 10^15]");
        }
        return new ModelSpec.FactoryStack(p);
    }

    private static Fault fault(JsonNode f, String path, Set<String> ids, Duration scenarioDuration) {
        if (!f.isObject()) {
            throw invalid(path, "a fault is an object");
        }
        onlyFields(f, FAULT, path);
        String label = text(f, "type", path, Optional.empty());
        FaultType type = FaultType.byLabel(label).orElseThrow(() -> invalid(path + ".type", "unknown fault type '" + label + "'"));
        String device = text(f, "device", path, Optional.of("*"));
        if (!device.equals("*") && !ids.contains(device)) {
            throw invalid(path + ".device", "no device '" + device + "' in this scenario");
        }
        Duration at = duration(f, "at", path, Optional.empty());
        if (at.isNegative() || at.compareTo(scenarioDuration) > 0) {
            throw invalid(path + ".at", "at must lie within the scenario's duration");
        }
        Duration duration = duration(f, "duration", path, Optional.of(Duration.ZERO));
        if (duration.isNegative()) {
            throw invalid(path + ".duration", "duration must not be negative");
        }
        if ((type == FaultType.NETWORK_PARTITION || type == FaultType.POWER_LOSS || type == FaultType.REKEY) && duration.isZero()) {
            throw invalid(path + ".duration", type.label() + " needs a duration");
        }
        Optional<Quantity> quantity = Optional.empty();
        if (f.has("quantity")) {
            String q = text(f, "quantity", path, Optional.empty());
            quantity = Optional.ofNullable(Quantity.bySenmlName(q));
            if (quantity.isEmpty()) {
                throw invalid(path + ".quantity", "unknown quantity '" + q + "'");
            }
        }
        double defaultDelta = type == FaultType.DRIFT ? 0.5 : 15.0;
        double delta = f.has("delta") ? number(f, "delta", path) : defaultDelta;
        Duration offset = duration(f, "offset", path, Optional.of(Duration.ZERO));
        if ((type == FaultType.CLOCK_SKEW || type == FaultType.CLOCK_STEP) && offset.isZero()) {
            throw invalid(path + ".offset", type.label() + " needs an offset, e.g. \"PT10M\" or \"-PT1H\"");
        }
        long count = f.has("count") ? integer(f, "count", path) : 1;
        if (count < 1 || count > 1000) {
            throw invalid(path + ".count", "count must be 1..1000");
        }
        Optional<String> toDevice = Optional.empty();
        if (f.has("toDevice")) {
            String to = text(f, "toDevice", path, Optional.empty());
            if (!ids.contains(to)) {
                throw invalid(path + ".toDevice", "no device '" + to + "' in this scenario");
            }
            toDevice = Optional.of(to);
        }
        if (type.kind() == FaultType.Kind.INJECTED && device.equals("*")) {
            throw invalid(path + ".device", type.label() + " names one device");
        }
        return new Fault(type, device, at, duration, quantity, delta, offset, (int) count, toDevice);
    }

    private static void onlyFields(JsonNode node, Set<String> allowed, String path) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext();) {
            String field = it.next();
            if (!allowed.contains(field)) {
                throw invalid(path + "." + field, "unknown field; allowed here: " + new TreeSet<>(allowed));
            }
        }
    }

    private static String text(JsonNode node, String field, String path, Optional<String> fallback) {
        JsonNode v = node.get(field);
        if (v == null) {
            return fallback.orElseThrow(() -> invalid(path + "." + field, "required"));
        }
        if (!v.isTextual()) {
            throw invalid(path + "." + field, "must be a string");
        }
        return v.asText();
    }

    private static long integer(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw invalid(path + "." + field, "must be an integer");
        }
        return v.asLong();
    }

    private static double number(JsonNode node, String field, String path) {
        JsonNode v = node.get(field);
        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
            throw invalid(path + "." + field, "must be a finite number");
        }
        return v.asDouble();
    }

    private static double num(JsonNode node, String field, String path, double fallback) {
        return node.has(field) ? number(node, field, path) : fallback;
    }

    private static Duration duration(JsonNode node, String field, String path, Optional<Duration> fallback) {
        if (!node.has(field)) {
            return fallback.orElseThrow(() -> invalid(path + "." + field, "required (ISO-8601 duration, e.g. \"PT6H\")"));
        }
        String text = text(node, field, path, Optional.empty());
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid(path + "." + field, "'" + text + "' is not an ISO-8601 duration (e.g. \"PT6H\", \"-PT10M\", \"P1DT2H\")");
        }
    }

    private static Instant instant(JsonNode node, String field, String path, Optional<Instant> fallback) {
        if (!node.has(field)) {
            return fallback.orElseThrow(() -> invalid(path + "." + field, "required (ISO-8601 instant)"));
        }
        String text = text(node, field, path, Optional.empty());
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw invalid(path + "." + field, "'" + text + "' is not an ISO-8601 instant (e.g. \"2026-01-05T00:00:00Z\")");
        }
    }

    private static SimException invalid(String path, String message) {
        return new SimException(SimError.SCENARIO_INVALID, path + ": " + message);
    }
}
