package io.mongopgsync.demo;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;

/** Active when the demo is enabled and no external MongoDB (MONGODB_URI) is configured. */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ConditionalOnExpression("${sync.demo.enabled:true} and '${sync.mongo.uri:}'.isBlank()")
public @interface DemoMode {
}
