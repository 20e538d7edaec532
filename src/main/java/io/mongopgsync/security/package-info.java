/**
 * Who may call the service: API tokens and OAuth2/OIDC bearer JWTs, the roles viewer &lt; operator &lt; admin,
 * the one table of which endpoint needs which role ({@link io.mongopgsync.security.AccessRules}), the Origin
 * check against cross-site requests, and the tokens API.
 */
package io.mongopgsync.security;
