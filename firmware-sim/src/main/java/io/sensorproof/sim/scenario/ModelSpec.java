package io.sensorproof.sim.scenario;

import io.sensorproof.sim.model.ColdRoomModel;
import io.sensorproof.sim.model.FactoryStackModel;
import io.sensorproof.sim.model.SensorModel;

/** Which sensor model a device group runs, with its parameters. */
public sealed interface ModelSpec {

    /** A new model instance with this seed. */
    SensorModel create(long seed);

    /** The label in scenario files. */
    String label();

    /** A cold room ({@code "model": "cold-room"}). */
    record ColdRoom(ColdRoomModel.Parameters parameters) implements ModelSpec {
        @Override
        public SensorModel create(long seed) {
            return new ColdRoomModel(parameters, seed);
        }

        @Override
        public String label() {
            return "cold-room";
        }
    }

    /** A factory stack ({@code "model": "factory-stack"}). */
    record FactoryStack(FactoryStackModel.Parameters parameters) implements ModelSpec {
        @Override
        public SensorModel create(long seed) {
            return new FactoryStackModel(parameters, seed);
        }

        @Override
        public String label() {
            return "factory-stack";
        }
    }
}
