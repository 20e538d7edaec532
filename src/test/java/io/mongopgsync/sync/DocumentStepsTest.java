package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mongopgsync.transform.CollectionTransforms;
import io.mongopgsync.transform.FieldActions;
import io.mongopgsync.transform.FieldPath;
import io.mongopgsync.transform.TransformStep;
import java.util.List;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.junit.jupiter.api.Test;

/** The collection's steps in order, with a team's routes in a real CamelContext (no servers). */
class DocumentStepsTest extends CamelTestSupport {

    static final DocumentSteps.Context CONTEXT = new DocumentSteps.Context("shop", "orders", "full", false);

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:drop-cancelled")
                        .filter().jsonpath("$[?(@.status == 'cancelled')]").stop().end()
                        .setHeader("seen", header(DocumentSteps.HEADER_COLLECTION));
                from("direct:empty-for-two").choice().when().jsonpath("$[?(@._id == 2)]").setBody(constant(""))
                        .end();
                from("direct:add-region").unmarshal().json().process(e -> {
                    @SuppressWarnings("unchecked")
                    java.util.Map<String, Object> doc = e.getMessage().getBody(java.util.Map.class);
                    doc.put("region", "EU");
                    e.getMessage().setBody(doc);
                });
                from("direct:fail").throwException(new IllegalStateException("enrichment service unavailable"));
                from("direct:new-id").setBody(constant("{\"_id\": 99}"));
                from("direct:first-of-batch").setBody().jsonpath("$[0:1]");
            }
        };
    }

    private DocumentSteps steps() {
        return new DocumentSteps(context, template);
    }

    private static CollectionTransforms transforms(TransformStep... steps) {
        return new CollectionTransforms(null, List.of(steps), null, "fp", List.of());
    }

    private static List<BsonDocument> docs() {
        return List.of(BsonDocument.parse("{_id: 1, status: 'open', total: {$numberLong: '10'}, note: 'x'}"),
                BsonDocument.parse("{_id: 2, status: 'cancelled', total: {$numberLong: '20'}, note: 'y'}"),
                BsonDocument.parse("{_id: 3, status: 'open', total: {$numberLong: '30'}, note: 'z'}"));
    }

    @Test
    void shouldApplyFieldActionsAndRoutesInOrderAndCountDrops() {
        DocumentSteps.Outcome outcome = steps().apply(transforms(
                new TransformStep.Action(new FieldActions.DropFields(List.of(FieldPath.parse("note")))),
                new TransformStep.Route("direct:drop-cancelled", false),
                new TransformStep.Route("direct:add-region", false)), docs(), CONTEXT);

        assertThat(outcome.dropped()).containsExactly("2");
        assertThat(outcome.kept()).extracting(d -> d.get("_id").asNumber().intValue()).containsExactly(1, 3);
        BsonDocument first = outcome.kept().get(0);
        assertThat(first.containsKey("note")).isFalse();
        assertThat(first.getString("region").getValue()).isEqualTo("EU");
        // the route saw JSON numbers; the value it left alone is an int64 again
        assertThat(first.get("total")).isEqualTo(new BsonInt64(10));
    }

    @Test
    void shouldDropADocumentWhoseRouteLeavesNoBody() {
        DocumentSteps.Outcome outcome = steps().apply(transforms(new TransformStep.Route("direct:empty-for-two", false)),
                docs(), CONTEXT);
        assertThat(outcome.dropped()).containsExactly("2");
        assertThat(outcome.kept()).hasSize(2);
    }

    @Test
    void shouldNameTheRouteAndTheDocumentWhenARouteFails() {
        assertThatThrownBy(() -> steps().apply(transforms(new TransformStep.Route("direct:fail", false)), docs(), CONTEXT))
                .isInstanceOf(DocumentSteps.TeamStepException.class)
                .hasMessage("The step direct:fail of shop.orders failed on the document with _id 1: "
                        + "enrichment service unavailable");
    }

    @Test
    void shouldRefuseARouteThatChangesTheId() {
        assertThatThrownBy(() -> steps().apply(transforms(new TransformStep.Route("direct:new-id", false)), docs(), CONTEXT))
                .hasMessageContaining("changed or removed the _id of document 1");
    }

    @Test
    void shouldSendWholeBatchesToABatchRoute() {
        DocumentSteps.Outcome outcome = steps().apply(transforms(new TransformStep.Route("direct:first-of-batch", true)),
                docs(), CONTEXT);
        assertThat(outcome.kept()).hasSize(1);
        assertThat(outcome.kept().get(0).get("total")).isEqualTo(new BsonInt64(10));
        assertThat(outcome.dropped()).containsExactly("2", "3");
    }
}
