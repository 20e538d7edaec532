/**
 * Verification of imported tables against their collections: quick (counts and a random sample) and full (every
 * document by the content hash of its canonical form), run as jobs of the sync queue, with drift reports, the
 * drift status of sources, meters, and the repair of exactly the drifting ids.
 */
package io.mongopgsync.verify;
