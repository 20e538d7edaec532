package io.mongopgsync.transform;

/** A step of a collection's path: one of the service's field actions, or a route of the team's own. */
public sealed interface TransformStep {

    String describe();

    /** A field action the service applies itself. */
    record Action(FieldAction action) implements TransformStep {
        @Override
        public String describe() {
            return action.describe();
        }
    }

    /**
     * A team's Camel endpoint (usually {@code direct:…}) that every document (as JSON) or every batch (a list of
     * JSON documents) passes through.
     */
    record Route(String uri, boolean perBatch) implements TransformStep {
        @Override
        public String describe() {
            return "to " + uri + (perBatch ? " per batch" : " per document");
        }
    }
}
