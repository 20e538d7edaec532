package io.mongopgsync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The read-ahead keeps the order, reads one item ahead at most, passes failures on and stops when closed. */
class ReadAheadTest {

    @Test
    void shouldHandOverEveryItemInOrder() {
        List<Integer> read = new ArrayList<>();
        try (ReadAhead<Integer> items = new ReadAhead<>(IntStream.range(0, 1000).iterator(), "test-read", "numbers")) {
            items.forEachRemaining(read::add);
            assertThat(items.hasNext()).isFalse();
        }
        assertThat(read).containsExactlyElementsOf(IntStream.range(0, 1000).boxed().toList());
    }

    @Test
    void shouldReadNoMoreThanOneItemAheadOfTheLoader() throws InterruptedException {
        AtomicInteger produced = new AtomicInteger();
        CountDownLatch secondRead = new CountDownLatch(2);
        Iterator<Integer> source = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return produced.get() < 10;
            }

            @Override
            public Integer next() {
                secondRead.countDown();
                return produced.incrementAndGet();
            }
        };
        try (ReadAhead<Integer> items = new ReadAhead<>(source, "test-read", "numbers")) {
            assertThat(items.next()).isEqualTo(1);
            assertThat(secondRead.await(10, TimeUnit.SECONDS)).isTrue();
            // the reader holds item 2 until it is taken: it never reads item 3 meanwhile
            assertThat(produced.get()).isEqualTo(2);
            assertThat(items.next()).isEqualTo(2);
        }
    }

    @Test
    void shouldThrowTheReadFailureWhereTheNextItemIsAskedFor() {
        IllegalStateException failure = new IllegalStateException("MongoDB went away while reading");
        Iterator<Integer> source = new Iterator<>() {
            int n;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (n == 2) {
                    throw failure;
                }
                return n++;
            }
        };
        try (ReadAhead<Integer> items = new ReadAhead<>(source, "test-read", "numbers")) {
            assertThat(items.next()).isEqualTo(0);
            assertThat(items.next()).isEqualTo(1);
            assertThatThrownBy(items::hasNext).isSameAs(failure);
            assertThatThrownBy(items::next).isSameAs(failure);
        }
    }

    @Test
    void shouldStopReadingWhenClosed() throws InterruptedException {
        AtomicInteger produced = new AtomicInteger();
        Iterator<Integer> endless = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                return produced.incrementAndGet();
            }
        };
        ReadAhead<Integer> items = new ReadAhead<>(endless, "test-read-closed", "numbers");
        assertThat(items.next()).isEqualTo(1);
        items.close();
        Thread reader = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("test-read-closed")).findFirst().orElse(null);
        if (reader != null) {
            reader.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(reader.isAlive()).as("reader thread still running after close").isFalse();
        }
        assertThat(produced.get()).isLessThanOrEqualTo(2);
        assertThatThrownBy(items::hasNext).isInstanceOf(IllegalStateException.class).hasMessageContaining("numbers");
    }
}
