package io.mongopgsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectionCheckGateTest {

    private final AtomicLong now = new AtomicLong();

    private ConnectionCheckGate gate(int maxConcurrent, int perCaller, Duration timeout) {
        return new ConnectionCheckGate(new ApiProperties.TestConnection(maxConcurrent, perCaller, Duration.ofMinutes(1),
                timeout), now::get);
    }

    @Test
    void shouldRefuseACallerOverItsLimitUntilTheWindowEnds() {
        ConnectionCheckGate gate = gate(4, 2, Duration.ofSeconds(5));
        gate.run("alice", () -> "ok");
        now.addAndGet(Duration.ofSeconds(20).toNanos());
        gate.run("alice", () -> "ok");

        assertThatThrownBy(() -> gate.run("alice", () -> "ok")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.error()).isEqualTo("too_many_connection_tests");
            assertThat(e.retryAfterSeconds()).isBetween(40, 41);
        });
        assertThat(gate.run("bob", () -> "ok")).isEqualTo("ok");
        now.addAndGet(Duration.ofSeconds(41).toNanos());
        assertThat(gate.run("alice", () -> "ok")).isEqualTo("ok");
    }

    @Test
    void shouldAnswer503WhileAllItsThreadsAreBusy() throws Exception {
        ConnectionCheckGate gate = gate(1, 100, Duration.ofSeconds(30));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(() -> gate.run("alice", () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "slow";
        }));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> gate.run("bob", () -> "ok")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(503);
            assertThat(e.retryAfterSeconds()).isPositive();
        });
        release.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS)).isEqualTo("slow");
        gate.destroy();
    }

    @Test
    void shouldStopATestThatOutlastsItsTimeout() {
        ConnectionCheckGate gate = gate(1, 100, Duration.ofMillis(200));

        assertThatThrownBy(() -> gate.run("alice", () -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "late";
        })).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(504));
        gate.destroy();
    }

    @Test
    void shouldPassOnTheChecksOwnFailure() {
        ConnectionCheckGate gate = gate(1, 100, Duration.ofSeconds(5));

        assertThatThrownBy(() -> gate.run("alice", () -> {
            throw new IllegalArgumentException("no such host");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("no such host");
        gate.destroy();
    }
}
