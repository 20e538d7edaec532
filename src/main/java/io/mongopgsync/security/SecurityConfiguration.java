package io.mongopgsync.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mongopgsync.audit.AuditFilter;
import io.mongopgsync.audit.AuditLog;
import io.mongopgsync.audit.RequestSummaries;
import io.mongopgsync.config.SyncProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.header.HeaderWriterFilter;

/**
 * One filter chain for every request: bearer authentication (API tokens and JWTs), the audit, the Origin check
 * and the access rules. Stateless: no session, no cookie, no login page. The filters are built here rather than
 * declared as beans, so that Spring Boot does not also register them outside the chain.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
class SecurityConfiguration {

    @Bean
    SecurityFilterChain apiSecurity(HttpSecurity http, SyncProperties properties, ApiTokenAuthenticator apiTokens,
                                    AuditLog auditLog, ObjectMapper mapper) throws Exception {
        SyncProperties.Security security = properties.security();
        SecurityErrors errors = new SecurityErrors(mapper);
        BearerAuthenticationManager authentication = new BearerAuthenticationManager(apiTokens,
                JwtAuthenticationFactory.provider(security.jwt()), JwtAuthenticationFactory.describe(security.jwt()));

        http.csrf(AbstractHttpConfigurer::disable) // no cookies: the Origin check below is the cross-site defence
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                // The security headers are written before the request is handled. Written after it (the default),
                // they raced the Camel thread that answers a REST route asynchronously: both changed the response's
                // headers at once, and Tomcat failed with a NullPointerException and closed the connection unanswered.
                .headers(h -> h.withObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                    @Override
                    public <O extends HeaderWriterFilter> O postProcess(O filter) {
                        filter.setShouldWriteHeadersEagerly(true);
                        return filter;
                    }
                }))
                .oauth2ResourceServer(o -> o.authenticationManagerResolver(request -> authentication)
                        .bearerTokenResolver(new BearerTokens())
                        .authenticationEntryPoint(errors)
                        .accessDeniedHandler(errors))
                .exceptionHandling(e -> e.authenticationEntryPoint(errors).accessDeniedHandler(errors))
                .authorizeHttpRequests(a -> a.anyRequest().access(new RuleAuthorization(security.viewersReadData())))
                .addFilterBefore(new AuditFilter(auditLog, new RequestSummaries(mapper)), BearerTokenAuthenticationFilter.class)
                .addFilterAfter(new CallerAttributeFilter(), BearerTokenAuthenticationFilter.class)
                .addFilterBefore(new OriginCheckFilter(security.allowedOrigins(), errors), AuthorizationFilter.class);
        return http.build();
    }
}
